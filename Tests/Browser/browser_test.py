#!/usr/bin/python3
"""The unit's form, the review and the coordinators' desk in a real browser (Debian's chromium
and chromium-driver, driven by python3-selenium): `make browser-test`.

A campaign store in a temporary folder, `ictreport serve` on a free port; then one unit fills
its whole report through its private link (Examples/cuc-shtt.json's answers, typed as a person
would: a wrong answer corrected, a table row added and deleted, the tab closed and reopened
half-way, a warning confirmed and explained), finalizes; a coordinator signs in, returns it with
a comment; the unit sees the comment, corrects and sends again; the coordinator accepts and
downloads the consolidated workbook, which openpyxl opens. Screenshots of the unit's form, the
review and the desk at 1280 and 390 pixels wide go to SCREENSHOTS (default docs/screenshots);
at 390 no page may scroll sideways.
"""
import http.cookiejar
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import openpyxl
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("ICTREPORT", os.path.join(ROOT, ".build", "debug", "ictreport"))
SHOTS = os.environ.get("SCREENSHOTS", os.path.join(ROOT, "docs", "screenshots"))
UNIT = "cuc-shtt"
EXAMPLE = json.load(open(os.path.join(ROOT, "Examples", "cuc-shtt.json"), encoding="utf-8"))
ANSWERS = EXAMPLE["answers"]


def step(message):
    print(f"  · {message}", flush=True)


def run(*args):
    return subprocess.run([BIN, *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


class Server:
    def __init__(self, db):
        self.process = subprocess.Popen(
            [BIN, "serve", "--db", db, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        deadline = time.time() + 60
        self.url = None
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
            if found:
                self.url = found.group(1)
                break
        if not self.url:
            raise SystemExit("ictreport serve did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def browser(script=True):
    options = webdriver.ChromeOptions()
    if not script:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                 "--lang=vi", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


def wait(driver, seconds=20):
    return WebDriverWait(driver, seconds)


def saved(driver):
    """Waits until the page script has sent every change and the server answered."""
    wait(driver).until(lambda d: re.search(r"Đã lưu|Saved|Chưa lưu|Not saved",
                                           d.find_element(By.ID, "autosave").text or ""))
    time.sleep(0.3)
    wait(driver).until(lambda d: d.execute_script(
        "var s=document.getElementById('autosave');return !/Đang lưu|Saving/.test(s.textContent);"))


def shot(driver, name, width):
    """A screenshot of the screen at `width` CSS pixels (390: a phone, as a phone shows it)."""
    mobile = width < 600
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 844 if mobile else 900, "deviceScaleFactor": 1, "mobile": mobile})
    time.sleep(0.3)
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
    assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, f"{name}-{width}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def text_of(value, element):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if element.get_attribute("placeholder") == "dd/mm/yyyy" and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        y, m, d = value.split("-")
        return f"{d}/{m}/{y}"
    return value


def set_value(driver, name, value):
    """Answers one question (or cell) as a person would; False when it is not shown yet."""
    elements = driver.find_elements(By.NAME, name)
    if not elements or not elements[0].is_displayed():
        return False
    kind = elements[0].get_attribute("type")
    if kind in ("radio", "checkbox"):
        wanted = value if isinstance(value, list) else [text_of(value, elements[0])]
        for e in elements:
            if (e.get_attribute("value") in wanted) != e.is_selected():
                driver.find_element(By.CSS_SELECTOR, f"label[for='{e.get_attribute('id')}']").click()
    else:
        e = elements[0]
        e.clear()
        e.send_keys(text_of(value, e))
        e.send_keys(Keys.TAB)
    return True


def fill_section(driver, section):
    """Every answer of the example's section; tables row by row through "add a row"."""
    todo = dict(ANSWERS.get(section, {}))
    for _ in range(4):
        for field, value in list(todo.items()):
            if isinstance(value, list) and value and isinstance(value[0], dict):
                rows = driver.find_elements(By.CSS_SELECTOR, f"#rows-{field} > fieldset.row")
                for n, row in enumerate(value, start=1):
                    if n > len(rows):
                        driver.find_element(By.CSS_SELECTOR, f"button[value='add:{field}']").click()
                    for column, cell in row.items():
                        # A cell asked only on another's answer is answered in a later pass.
                        if not set_value(driver, f"a.{field}.{n}.{column}", cell):
                            todo[f"{field}.{n}.{column}"] = cell
                del todo[field]
            elif set_value(driver, f"a.{field}", value):
                del todo[field]
        if not todo:
            return
        saved(driver)  # a choice may have made more questions asked
    raise AssertionError(f"{section}: not shown: {sorted(todo)}")


def follow(driver, selector):
    """Clicks what leads to another page (a link, or a form posted without the page script) and
    waits until that page has replaced this one: read at once, an element may still be the old
    page's (a stale element, seen in a fresh clone's run; and chromium's staleness check itself
    failed there with "Node … does not belong to the document")."""
    driver.execute_script("window.ictreportOldPage = true")
    driver.find_element(By.CSS_SELECTOR, selector).click()

    def replaced(d):
        # A new page has a new window object, without the mark, once it is loaded. While the
        # old one is being torn down, chromium may answer with any WebDriver error: not yet.
        try:
            return d.execute_script(
                "return window.ictreportOldPage === undefined && document.readyState === 'complete'")
        except WebDriverException:
            return False

    wait(driver).until(replaced)


def next_section(driver):
    button = driver.find_element(By.CSS_SELECTOR, "button[value=next], button[value=review]")
    saved_url = driver.current_url
    button.click()
    wait(driver).until(lambda d: d.current_url != saved_url)


def without_script(link):
    """The same pages with JavaScript off: plain form posts, the checks on submit."""
    step("JavaScript off: a wrong answer refused on save, a table row added and deleted")
    driver = browser(script=False)
    try:
        driver.get(link + "/s/general")
        field = driver.find_element(By.NAME, "a.staff_total")
        field.send_keys("nhiều")
        follow(driver, "button[value=save]")
        assert "không phải là số" in driver.find_element(By.ID, "e-staff_total").text
        assert driver.find_element(By.NAME, "a.staff_total").get_attribute("value") == "nhiều"
        driver.get(link + "/s/websites")
        follow(driver, "button[value='add:portals']")
        column = next(iter(ANSWERS["websites"]["portals"][0]))
        driver.find_element(By.NAME, f"a.portals.1.{column}").send_keys("Cổng thử")
        follow(driver, "button[value=save]")
        assert "Đã lưu bản nháp." in driver.page_source
        assert driver.find_element(By.NAME, f"a.portals.1.{column}").get_attribute("value") == "Cổng thử"
        follow(driver, "button[value='delete:portals:1']")
        assert not driver.find_elements(By.NAME, f"a.portals.1.{column}")
    finally:
        driver.quit()


def main():
    if not os.path.exists(BIN):
        raise SystemExit(f"build first: {BIN}")
    work = tempfile.mkdtemp(prefix="ictreport-browser-")
    db = os.path.join(work, "campaign.sqlite")
    run("campaign", "init", "--db", db, "--by", "browser-test")
    server = Server(db)
    try:
        links = dict(line.split("\t") for line in run("campaign", "links", "--db", db, "--base-url", server.url).splitlines())
        link = links.pop(UNIT).strip()
        without_script(next(iter(links.values())).strip())
        password = run("campaign", "coordinator", "add", "an", "--db", db).strip().rsplit(" ", 1)[1]
    except BaseException:
        server.stop()  # a failure before the main part must not leave the server running
        raise
    driver = browser()
    try:
        sections = [s for s in ANSWERS]
        # The start page, then each section in turn.
        driver.get(link)
        assert "Cục Sở hữu trí tuệ" in driver.page_source
        follow(driver, "a.button.primary")
        assert "/s/general" in driver.current_url

        step("a wrong answer, shown at once, then corrected")
        set_value(driver, "a.staff_total", "12 người")
        wait(driver).until(EC.text_to_be_present_in_element((By.ID, "e-staff_total"), "không phải là số"))
        assert driver.find_element(By.ID, "i-staff_total").get_attribute("aria-invalid") == "true"
        fill_section(driver, "general")
        saved(driver)
        assert driver.find_element(By.ID, "e-staff_total").text == ""
        # One staff member more than the breakdown: a warning, explained on the review page.
        general = ANSWERS["general"]
        set_value(driver, "a.staff_total", general["staff_permanent"] + general["staff_contract"] + 1)
        saved(driver)
        shot(driver, "unit-form", 1280)
        shot(driver, "unit-form", 390)
        next_section(driver)

        for section in sections[1:]:
            assert f"/s/{section}" in driver.current_url, driver.current_url
            fill_section(driver, section)
            if section == "websites":
                step("a table row added, then deleted")
                driver.find_element(By.CSS_SELECTOR, "button[value='add:portals']").click()
                n = len(ANSWERS["websites"]["portals"]) + 1
                column = next(iter(ANSWERS["websites"]["portals"][0]))
                assert set_value(driver, f"a.portals.{n}.{column}", "Dòng thừa <b>xoá</b>")
                saved(driver)
                driver.find_element(By.CSS_SELECTOR, f"#r-portals-{n} button.delete-row").click()
                saved(driver)
                assert len(driver.find_elements(By.CSS_SELECTOR, "#rows-portals > fieldset.row")) == n - 1
                shot(driver, "unit-table", 390)
            if section == "one_stop":
                step("the tab closed half-way and the link opened again")
                saved(driver)
                old = driver.current_window_handle
                driver.switch_to.new_window("tab")
                new = driver.current_window_handle
                driver.switch_to.window(old)
                driver.close()
                driver.switch_to.window(new)
                driver.get(link)
                follow(driver, f"a[href$='/s/{section}']")
                first = next(k for k, v in ANSWERS[section].items() if isinstance(v, (int, float, str)))
                field = driver.find_elements(By.NAME, f"a.{first}")
                assert field, first
            next_section(driver)

        step("the review: a warning to confirm and explain")
        assert "/review" in driver.current_url
        assert "Cảnh báo cần xác nhận" in driver.page_source
        driver.find_element(By.CSS_SELECTOR, "form.finalize button[type=submit]").click()
        wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "li.warning-item.unconfirmed")))
        driver.find_element(By.CSS_SELECTOR, "li.warning-item textarea").send_keys(
            "Một cán bộ biệt phái, không thuộc biên chế hay hợp đồng.")
        driver.find_element(By.CSS_SELECTOR, "li.warning-item label.opt").click()
        shot(driver, "review", 1280)
        shot(driver, "review", 390)
        driver.find_element(By.CSS_SELECTOR, "form.finalize button[type=submit]").click()
        wait(driver).until(lambda d: "/print" in d.current_url)
        assert "Đã nộp báo cáo (lần nộp 1)" in driver.page_source
        shot(driver, "printable", 1280)
        # Printed as the browser prints it: A4 (the print style sheet); PDF_OUT keeps the PDF.
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"]
        if os.environ.get("PDF_OUT"):
            with open(os.environ["PDF_OUT"], "wb") as out:
                out.write(__import__("base64").b64decode(pdf))

        step("the coordinator signs in and returns the report with a comment")
        driver.get(server.url + "/desk")
        assert "/desk/login" in driver.current_url
        driver.find_element(By.ID, "name").send_keys("an")
        driver.find_element(By.ID, "password").send_keys(password + Keys.ENTER)
        wait(driver).until(lambda d: d.current_url.rstrip("/").endswith("/desk"))
        shot(driver, "desk", 1280)
        shot(driver, "desk", 390)
        follow(driver, f"a[href='/desk/units/{UNIT}']")
        assert "Một cán bộ biệt phái" in driver.page_source
        shot(driver, "desk-unit", 1280)
        comment = "Tổng số cán bộ lệch với biên chế + hợp đồng: đề nghị kiểm tra lại mục 1."
        driver.find_element(By.ID, "comment").send_keys(comment)
        driver.find_element(By.CSS_SELECTOR, "form.return button[type=submit]").click()
        wait(driver).until(lambda d: "done=returned" in d.current_url)

        step("the unit sees the comment, corrects and sends again")
        driver.get(link)
        assert comment in driver.page_source
        follow(driver, "a[href$='/s/general']")
        set_value(driver, "a.staff_total", general["staff_total"])
        saved(driver)
        driver.get(link + "/review")
        assert "Cảnh báo cần xác nhận" not in driver.page_source
        driver.find_element(By.CSS_SELECTOR, "form.finalize button[type=submit]").click()
        wait(driver).until(lambda d: "/print" in d.current_url)
        assert "lần nộp 2" in driver.page_source

        step("the coordinator accepts and downloads the workbooks")
        driver.get(server.url + f"/desk/units/{UNIT}")
        driver.find_element(By.CSS_SELECTOR, "form.accept button[type=submit]").click()
        wait(driver).until(lambda d: "done=accepted" in d.current_url)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        for path in ("/desk/consolidated.xlsx", f"/desk/units/{UNIT}/report.xlsx"):
            request = urllib.request.Request(server.url + path, headers={"Cookie": cookie})
            data = opener.open(request).read()
            book = openpyxl.load_workbook(io.BytesIO(data))
            cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
            assert any("Cục Sở hữu trí tuệ" in c for c in cells), path
            step(f"{path}: {len(book.worksheets)} sheets, opened by openpyxl")
        driver.get(server.url + "/desk")
        assert "đã duyệt" in driver.page_source
        driver.get(link)
        assert "đã được duyệt" in driver.page_source
        print("browser test: passed")
    except Exception:
        os.makedirs(SHOTS, exist_ok=True)
        driver.save_screenshot(os.path.join(work, "failure.png"))
        print(f"failed at {driver.current_url}; screenshot {work}/failure.png", file=sys.stderr)
        raise
    finally:
        driver.quit()
        server.stop()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
