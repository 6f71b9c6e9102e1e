#!/usr/bin/python3
"""make bench: times the release build of ictreport against a C reference that writes the same
cells with libxlsxwriter alone. Prints a table and writes bench/results.md.

For N units (ictreport sample, fixed seed): merge wall time (median of RUNS, taken by turns
with the reference), peak RSS, cells written, cells per second, workbook size, the C
reference's time and the ratio merge / reference (the median of the runs' ratios, each run
of the merge against the reference run right after it).
Also: form load + lint, and validate over the largest sample; and the campaign store: the
largest sample imported into SQLite and into PostgreSQL (a throw-away cluster on a Unix
socket, as the tests start one), in submissions per second, and merge from the store against
merge from the same folder (the ratio of the medians)."""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    lines += campaign_lines(largest)
    table = "\n".join(lines)
    print()
    print(table)
    with open(f"{OUT}/results.md", "w") as f:
        f.write("# make bench\n\n" + table + "\n")
    print(f"\nResults: {OUT}/results.md")


class PostgresCluster:
    """A throw-away PostgreSQL cluster on a Unix socket in a temporary folder (no TCP port),
    run as the postgres system user when this is root (initdb refuses root); stopped at the end."""

    def __init__(self):
        versions = sorted(int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit()) if os.path.isdir("/usr/lib/postgresql") else []
        if not versions:
            sys.exit("bench: PostgreSQL is not installed (make deps installs it)")
        self.bin = f"/usr/lib/postgresql/{versions[-1]}/bin"
        self.folder = tempfile.mkdtemp(prefix="ictreport-bench-pg-")
        self.socket = f"{self.folder}/sock"
        os.makedirs(self.socket)
        self.root = os.getuid() == 0
        if self.root:
            subprocess.run(["chown", "-R", "postgres:postgres", self.folder], check=True)
        self.pg("initdb", "-D", f"{self.folder}/data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C")
        self.pg("pg_ctl", "-D", f"{self.folder}/data", "-l", f"{self.folder}/server.log", "-w", "-o",
                f"-k {self.socket} -c listen_addresses=", "start")
        self.databases = 0

    def pg(self, program, *args):
        cmd = [f"{self.bin}/{program}", *args]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/tmp")

    def new_database(self):
        self.databases += 1
        name = f"bench{self.databases}"
        self.pg("createdb", "-h", self.socket, "-U", "postgres", name)
        return f"postgres://postgres@/{name}?host={self.socket}"

    def stop(self):
        self.pg("pg_ctl", "-D", f"{self.folder}/data", "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def campaign_lines(n):
    """The campaign store on the n-unit sample: import rates, and merge from the store against
    merge from the folder."""
    data = f"{OUT}/data/{n}"
    units = f"{data}/units.yaml"
    files = len([f for f in os.listdir(data) if f.endswith(".json")])
    runs = max(1, min(RUNS, 3))

    def sqlite_store():
        path = f"{OUT}/campaign-{n}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return path

    def import_seconds(db):
        subprocess.run([BIN, "campaign", "init", "--db", db, "--units", units], check=True, stdout=subprocess.DEVNULL)
        wall, rss = measured([BIN, "campaign", "import", data, "--db", db])
        return wall, rss

    sqlite_runs = [import_seconds(sqlite_store()) for _ in range(runs)]
    cluster = PostgresCluster()
    try:
        pg_runs = [import_seconds(cluster.new_database()) for _ in range(runs)]
    finally:
        cluster.stop()
    sqlite_wall = statistics.median(r[0] for r in sqlite_runs)
    pg_wall = statistics.median(r[0] for r in pg_runs)
    # The last SQLite store holds the sample: merged from it and from the folder, by turns.
    db = f"{OUT}/campaign-{n}.sqlite"
    pairs = [(measured([BIN, "merge", "--db", db, "-o", f"{OUT}/merge-store-{n}.xlsx"]),
              measured([BIN, "merge", data, "--units", units, "-o", f"{OUT}/merge-{n}.xlsx"])) for _ in range(RUNS)]
    store_wall = statistics.median(s[0] for s, _ in pairs)
    files_wall = statistics.median(f[0] for _, f in pairs)
    store_rss = max(s[1] for s, _ in pairs)
    print(f"campaign: import SQLite {sqlite_wall:.2f} s, PostgreSQL {pg_wall:.2f} s; merge store {store_wall:.3f} s "
          f"vs files {files_wall:.3f} s", flush=True)
    return [
        f"- campaign import of the {n:,}-unit sample ({files:,} files, each its own transaction; median of {runs}): "
        f"SQLite {sqlite_wall:.2f} s = {files / sqlite_wall:,.0f} submissions/s (peak RSS {max(r[1] for r in sqlite_runs):.0f} MB), "
        f"PostgreSQL {pg_wall:.2f} s = {files / pg_wall:,.0f} submissions/s",
        f"- merge from the store (`merge --db`, SQLite) {store_wall:.3f} s ({store_rss:.0f} MB) against merge from the "
        f"folder {files_wall:.3f} s: ratio {store_wall / files_wall:.2f}",
    ]


if __name__ == "__main__":
    main()
