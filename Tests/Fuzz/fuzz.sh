#!/bin/sh
# Runs each fuzz target for SECONDS on a copy of its seed corpus (make fuzz, make fuzz-short).
#   Tests/Fuzz/fuzz.sh SECONDS [TARGET...]      (all targets when none is named)
# The binary is .build-fuzz/debug/ictreport-fuzz (make fuzz-build). Per target:
#   - the working corpus is .build-fuzz/corpus/<target> (seeded from Tests/Fuzz/corpus/<target>,
#     kept between runs; libFuzzer never writes under Tests/);
#   - crash, timeout and out-of-memory inputs go to .build-fuzz/crashes/<target>/ (emptied first);
#   - libFuzzer's output goes to .build-fuzz/logs/<target>.log;
#   - the mutator also inserts the tokens of Tests/Fuzz/<json|yaml|value|expression>.dict.
# Exits 1 when any target found a crash. Extra libFuzzer flags: FUZZ_FLAGS="-max_len=20000".
set -u
seconds=${1:?usage: fuzz.sh SECONDS [TARGET...]}; shift
targets=${*:-submission answers-json answers-yaml value expression form units layout profiles}
bin=.build-fuzz/debug/ictreport-fuzz
# The Swift runtime's backtracer would take the signal of a trap (SIGILL) or stack overflow
# before libFuzzer does, and no crash input would be saved: libFuzzer handles them here.
SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}; export SWIFT_BACKTRACE
[ -x "$bin" ] || { echo "fuzz.sh: $bin is not built; run make fuzz-build" >&2; exit 2; }
mkdir -p .build-fuzz/logs
failed=""
for t in $targets; do
  work=.build-fuzz/corpus/$t; crashes=.build-fuzz/crashes/$t; log=.build-fuzz/logs/$t.log
  mkdir -p "$work"; rm -rf "$crashes"; mkdir -p "$crashes"
  cp Tests/Fuzz/corpus/"$t"/* "$work"/
  case $t in
    submission|answers-json) dict=Tests/Fuzz/json.dict ;;
    answers-yaml|form|units|layout|profiles) dict=Tests/Fuzz/yaml.dict ;;
    *) dict=Tests/Fuzz/$t.dict ;;
  esac
  ICTREPORT_FUZZ_TARGET=$t "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$crashes"/ -dict="$dict" -print_final_stats=1 ${FUZZ_FLAGS:-} "$work" >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  # -fork=N prints no final stats: the last status line says it.
  [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
  [ -n "$rate" ] || rate=$(grep -oE 'exec/s: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
  found=$(ls "$crashes" | wc -l)
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    failed="$failed $t"
    echo "fuzz $t: FAILED after ${runs:-?} runs (exit $status); inputs in $crashes/, log $log"
    grep -m2 -E "Fatal error|ERROR: libFuzzer|ParseDictionaryFile|SUMMARY" "$log" | sed 's/^/    /'
  else
    echo "fuzz $t: ${seconds} s, ${runs:-?} runs, ${rate:-?} exec/s, corpus $(ls "$work" | wc -l) files, no crash"
  fi
done
if [ -n "$failed" ]; then
  echo "fuzz: crashes in:$failed — reproduce with: swift build && .build/debug/ictreport-fuzz TARGET FILE" >&2
  exit 1
fi
