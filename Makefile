# ictreport — the two set-up commands are `make demo` and `make test`.
SWIFT      ?= swift
CONFIG     ?= debug
BIN         = .build/$(CONFIG)/ictreport
# Debian packages the project needs: the Excel writer, the line editor of the collector, the
# independent workbook reader CI uses, pkg-config for the system-library target, and
# PostgreSQL, whose throw-away cluster the campaign store's tests start (Tests/TestSupport), and
# the browser the web pages are tested in (chromium, its driver, python3-selenium).
DEBS        = libxlsxwriter-dev libedit-dev python3-openpyxl pkg-config postgresql \
              chromium chromium-driver python3-selenium

.PHONY: deps build test lint format demo bench clean fuzz fuzz-build fuzz-short browser-test

## deps: install the missing Debian packages (as root), or say what to run.
deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Cài các gói còn thiếu / installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "Thiếu các gói / missing packages:$$missing"; \
	  echo "Hãy chạy / run:  sudo apt-get install -y$$missing"; exit 1; \
	fi

## build: compile the tool.
build: deps
	$(SWIFT) build -c $(CONFIG)

## lint: the code as swift-format (.swift-format) would write it; `make format` rewrites it so.
FORMATTED   = Sources Tests Package.swift
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMATTED)

format:
	$(SWIFT) format --in-place --recursive --parallel $(FORMATTED)

DEMO        = out/demo
WORKBOOK    = $(DEMO)/tong-hop-bao-cao-cntt.xlsx
CAMPAIGN    = $(DEMO)/campaign.sqlite
# The second campaign, grown out of the first (issue 17): next year's form, the same units'
# 2019 reports made from their 2018 ones, merged beside last year's plan.
DEMO2019    = $(DEMO)/2019
FORM2019    = $(DEMO2019)/ict-annual-report-2019.yaml
COMPARISON  = $(DEMO2019)/tong-hop-bao-cao-cntt-2019.xlsx
CAMPAIGN2019 = $(DEMO2019)/campaign.sqlite

## test: every test (unit, end-to-end through the built binary, workbook read-back),
## then the demo workbook opened by an independent reader (Debian's python3-openpyxl).
test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	/usr/bin/python3 Benchmarks/web_load.py --bin $(BIN) --units 40 --saves 3 --kill
	$(MAKE) --no-print-directory browser-test
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory demo
	/usr/bin/python3 Tests/check_workbook.py $(WORKBOOK) $(DEMO)/submissions

## demo: the main job on the bundled sample data: sample submissions for every unit of
## Forms/units.yaml, merged into the consolidated workbook, plus one unit's own report, and
## the same submissions imported into a campaign store (out/demo/campaign.sqlite), its status shown.
## Then the 2019 campaign: `form next`, the 2019 samples from the 2018 ones, their own store, and
## the 2019 workbook merged with --previous (the plan-tracking sheet: 2018's plan against 2019).
demo: build
	@rm -rf $(DEMO)
	@$(BIN) form check
	@$(BIN) sample --seed 2018 -o $(DEMO)/submissions
	@$(BIN) merge $(DEMO)/submissions -o $(WORKBOOK)
	@$(BIN) export Examples/cuc-shtt.json -o $(DEMO)/bao-cao-cuc-shtt.xlsx
	@$(BIN) campaign init --db $(CAMPAIGN) --by demo
	@$(BIN) campaign import $(DEMO)/submissions --db $(CAMPAIGN) --by demo > $(DEMO)/campaign-import.txt
	@tail -n 1 $(DEMO)/campaign-import.txt
	@$(BIN) campaign status --db $(CAMPAIGN)
	@echo
	@mkdir -p $(DEMO2019)
	@$(BIN) form next -o $(FORM2019) > $(DEMO2019)/form-next.txt
	@$(BIN) sample --seed 2019 --form $(FORM2019) --previous $(DEMO)/submissions -o $(DEMO2019)/submissions
	@$(BIN) merge $(DEMO2019)/submissions --form $(FORM2019) --previous $(DEMO)/submissions -o $(COMPARISON) > $(DEMO2019)/merge.txt
	@$(BIN) campaign init --db $(CAMPAIGN2019) --form $(FORM2019) --by demo
	@$(BIN) campaign import $(DEMO2019)/submissions --db $(CAMPAIGN2019) --by demo > $(DEMO2019)/campaign-import.txt
	@tail -n 1 $(DEMO2019)/campaign-import.txt
	@echo
	@echo "Bảng tổng hợp 2018 / consolidated workbook 2018: $(WORKBOOK)"
	@echo "Kho đợt báo cáo 2018 / campaign store 2018: $(CAMPAIGN)"
	@echo "Biểu mẫu 2019 / 2019 form: $(FORM2019) (còn phải sửa tay: $(DEMO2019)/form-next.txt)"
	@echo "Bảng tổng hợp 2019, so với kế hoạch 2018 (trang \"Theo dõi kế hoạch\") / 2019 workbook against 2018's plan: $(COMPARISON)"
	@echo "Kho đợt báo cáo 2019 / campaign store 2019: $(CAMPAIGN2019)"

## browser-test: `ictreport serve` on a temporary store, a whole report filled, sent back,
## corrected and accepted in headless chromium (Tests/Browser/browser_test.py); screenshots of
## the unit's form, the review and the desk at 1280 and 390 px go to out/screenshots.
browser-test: build
	SCREENSHOTS=out/screenshots ICTREPORT=$(BIN) /usr/bin/python3 Tests/Browser/browser_test.py

## bench: release build against a C reference writing the same cells (see README, Benchmark).
bench: deps
	$(SWIFT) build -c release
	@mkdir -p .build/bench
	cc -O2 -Wall -o .build/bench/reference Benchmarks/reference.c $$(pkg-config --cflags --libs xlsxwriter)
	/usr/bin/python3 Benchmarks/bench.py
	/usr/bin/python3 Benchmarks/web_load.py --bin .build/release/ictreport --units 200 --saves 10 --kill --out bench/results.md

## fuzz: every libFuzzer target (Sources/FuzzTargets) for FUZZ_SECONDS each, from the seed
## corpus Tests/Fuzz/corpus/<target>; crash inputs land in .build-fuzz/crashes/<target>/ and
## fail the run (see Tests/Fuzz/fuzz.sh). One target: make fuzz FUZZ_TARGETS=value.
FUZZ_SECONDS       ?= 60
FUZZ_SHORT_SECONDS ?= 10
FUZZ_TARGETS       ?=
fuzz: fuzz-build
	Tests/Fuzz/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## fuzz-short: each target for FUZZ_SHORT_SECONDS (part of make test).
fuzz-short: fuzz-build
	Tests/Fuzz/fuzz.sh $(FUZZ_SHORT_SECONDS) $(FUZZ_TARGETS)

## fuzz-build: the fuzzing binary, in its own scratch path (libFuzzer ships with the toolchain).
fuzz-build:
	$(SWIFT) build -c debug --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING --product ictreport-fuzz

clean:
	rm -rf .build .build-fuzz
