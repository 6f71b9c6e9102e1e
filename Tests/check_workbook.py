#!/usr/bin/python3
"""Opens the demo workbook with openpyxl, a reader independent of ours, and checks it
against the submissions it was merged from. Prints 'openpyxl: N passed, N failed'."""
import glob
import json
import os
import sys

import openpyxl

workbook, folder = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAILED:", what)


wb = openpyxl.load_workbook(workbook)
check(wb.sheetnames[:3] == ["Tổng quan", "Tổng hợp", "Biểu đồ"], f"first sheets {wb.sheetnames[:3]}")
check("Lỗi và cảnh báo" in wb.sheetnames and "Tình trạng nộp" in wb.sheetnames, "issues and completeness sheets")
check(all(len(n) <= 31 for n in wb.sheetnames), "sheet names within 31 characters")

finals = {}
for path in glob.glob(os.path.join(folder, "*.json")):
    with open(path, encoding="utf-8") as f:
        sub = json.load(f)
    if sub["status"] != "final":
        continue
    unit = sub["unit"]["id"]
    if unit not in finals or sub["revision"] > finals[unit]["revision"]:
        finals[unit] = sub

summary = wb["Tổng hợp"]
check(summary["A1"].value == "CÁC CHỈ TIÊU CHÍNH THEO ĐƠN VỊ NĂM 2018", "summary title")
headers = [c.value for c in summary[5]]
check(headers[:4] == ["STT", "Đơn vị", "Viết tắt", "Tình trạng"], f"summary headers {headers[:4]}")
col = {h: i for i, h in enumerate(headers)}
by_name = {s["unit"]["name"]: s for s in finals.values()}
rows = list(summary.iter_rows(min_row=6, values_only=True))
data, total = rows[:-1], rows[-1]
matched = 0
for r in data:
    sub = by_name.get(r[1])
    if sub is None:
        continue
    matched += 1
    check(r[col["Tổng số TTHC"]] == sub["answers"]["online_services"]["procedures_total"], f"{r[1]}: procedures")
    check(r[col["DVC mức 3"]] == sub["answers"]["online_services"]["services_level_3"], f"{r[1]}: level 3 services")
    it = sub["answers"].get("staffing", {}).get("it_staff_total")
    check(r[col["Tổng số"]] == it, f"{r[1]}: IT staff")
check(matched == len(finals), f"every final submission has its row ({matched} of {len(finals)})")
check(total[0] == "Tổng cộng", "total row label")
procedures = total[col["Tổng số TTHC"]]
check(isinstance(procedures, str) and procedures.startswith("=SUM("), f"live total formula: {procedures}")
check(summary.freeze_panes == "D6", f"frozen headers {summary.freeze_panes}")
check(summary.page_setup.orientation == "landscape" and str(summary.page_setup.paperSize) == "9", "A4 landscape")
check(summary.print_title_rows == "$4:$5", f"header rows repeated: {summary.print_title_rows}")

issues = wb["Lỗi và cảnh báo"]
check(issues.max_row > 5, "issues listed")
completeness = wb["Tình trạng nộp"]
kinds = {r[1] for r in completeness.iter_rows(min_row=6, values_only=True)}
check("Chưa nộp" in kinds or "Chỉ có bản nháp" in kinds, f"missing units listed: {kinds}")

print(f"openpyxl: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
