#!/usr/bin/python3
"""make bench: times the release build of ictreport against a C reference that writes the same
cells with libxlsxwriter alone. Prints a table and writes bench/results.md.

For N units (ictreport sample, fixed seed): merge wall time (median of RUNS, taken by turns
with the reference), peak RSS, cells written, cells per second, workbook size, the C
reference's time and the ratio merge / reference (the median of the runs' ratios, each run
of the merge against the reference run right after it).
Also: form load + lint, and validate over the largest sample."""
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

BIN = ".build/release/ictreport"
REF = ".build/bench/reference"
OUT = "bench"
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "45 1000 10000").split()]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SEED = "20181031"


def run(cmd, quiet=True):
    """Runs a command; returns (wall seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    # communicate() reaped the child: its rusage is in RUSAGE_CHILDREN only as a maximum
    # over all children, so ask /proc-free wait4 through a wrapper instead.
    return wall, out.decode(), err.decode(), proc.returncode


def measured(cmd):
    """wall seconds and peak RSS (MB) of one run, through wait4 for this child alone."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):  # validate exits 1 when a file has errors, merge 2 when one is rejected
        sys.exit(f"bench: {' '.join(cmd)} exited {code}")
    return wall, usage.ru_maxrss / 1024


def median_of(cmd, runs=RUNS):
    samples = [measured(cmd) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def main():
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for n in SIZES:
        data = f"{OUT}/data/{n}"
        if not os.path.exists(f"{data}/units.yaml"):
            shutil.rmtree(data, ignore_errors=True)
            subprocess.run([BIN, "sample", "--seed", SEED, "--count", str(n), "-o", data], check=True, stdout=subprocess.DEVNULL)
        units = f"{data}/units.yaml"
        book = f"{OUT}/merge-{n}.xlsx"
        merge = [BIN, "merge", data, "-o", book, "--units", units]
        # A first run records the cells for the reference, and counts them.
        trace = f"{OUT}/data/{n}.trace"
        _, out, _, _ = run(merge + ["--trace", trace, "--stats"])
        cells = int(re.search(r"cells=(\d+)", out).group(1))
        # Then merge and reference by turns, so that both meet the same moments of a shared
        # machine: measured apart, a slow minute for one of them moved the ratio by 0.3.
        pairs = [(measured(merge), measured([REF, trace, f"{OUT}/reference-{n}.xlsx"])) for _ in range(RUNS)]
        wall, rss = statistics.median(m[0] for m, _ in pairs), max(m[1] for m, _ in pairs)
        ref_wall, ref_rss = statistics.median(r[0] for _, r in pairs), max(r[1] for _, r in pairs)
        # The ratio of each pair, then their median: a pair shares the machine's moment.
        ratio = statistics.median(m[0] / r[0] for m, r in pairs)
        ratios = sorted(m[0] / r[0] for m, r in pairs)
        size = os.path.getsize(book)
        rows.append((n, wall, rss, cells, cells / wall, size, ref_wall, ref_rss, ratio, ratios))
        print(f"N={n}: merge {wall:.3f} s, {rss:.0f} MB; reference {ref_wall:.3f} s; ratio {ratio:.2f} "
              f"(runs {', '.join(f'{r:.2f}' for r in ratios)})", flush=True)

    lint_wall, _ = median_of([BIN, "form", "check"], runs=11)
    largest = SIZES[-1]
    finals = [f for f in os.listdir(f"{OUT}/data/{largest}") if f.endswith(".json")]
    validate_wall, validate_rss = median_of([BIN, "validate", f"{OUT}/data/{largest}"])

    lines = [
        "| units | merge wall (median) | peak RSS | cells | cells/s | workbook | C reference | ratio merge/reference | ratios of the runs |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n, wall, rss, cells, cps, size, ref_wall, ref_rss, ratio, ratios in rows:
        lines.append(f"| {n:,} | {wall:.3f} s | {rss:.0f} MB | {cells:,} | {cps:,.0f} | {size / 1e6:.2f} MB | {ref_wall:.3f} s ({ref_rss:.0f} MB) "
                     f"| {ratio:.2f} | {' '.join(f'{r:.2f}' for r in ratios)} |")
    lines += [
        "",
        f"- form load + lint (`ictreport form check`, whole process, median of 11): {lint_wall * 1000:.0f} ms",
        f"- validate {len(finals):,} submission files of the {largest:,}-unit sample: {validate_wall:.3f} s "
        f"= {len(finals) / validate_wall:,.0f} submissions/s, peak RSS {validate_rss:.0f} MB",
        f"- {RUNS} runs a measurement; machine: {os.cpu_count()} cores; seed {SEED}",
    ]
    table = "\n".join(lines)
    print()
    print(table)
    with open(f"{OUT}/results.md", "w") as f:
        f.write("# make bench\n\n" + table + "\n")
    print(f"\nResults: {OUT}/results.md")


if __name__ == "__main__":
    main()
