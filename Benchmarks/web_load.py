#!/usr/bin/python3
"""The load test of `ictreport serve`, on loopback only: UNITS units (200) each save their draft
SAVES times through the JSON API (PUT /api/v1/draft) and then submit it (POST /api/v1/submit),
all at once (an asyncio client, one connection per unit, HTTP/1.1 keep-alive), against a SQLite
store and against a PostgreSQL one (a throw-away cluster on a Unix socket).

With --kill, the server is killed with SIGKILL when half the saves are answered, and started
again; the clients retry what was not answered. At the end every save that was answered 2xx
must be in the store: each unit's draft is at least at the last version answered (the same
content when equal), and each submission answered 201 is a revision of the store.

Prints saves/s and the p50/p99 latency of the saves, per engine.
  make bench: Benchmarks/web_load.py --bin .build/release/ictreport
  make test:  Benchmarks/web_load.py --units 40 --saves 3 --kill (bounded: a few seconds)
"""
import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import PostgresCluster  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class LoadFailure(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`ictreport serve` on a loopback port; started again on the same port after a kill."""

    def __init__(self, binary, db, log):
        self.binary, self.db, self.port, self.log = binary, db, free_port(), log
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--db", self.db, "--host", "127.0.0.1", "--port", str(self.port),
             "--connections", "4"],
            stdout=subprocess.PIPE, stderr=self.log, cwd=ROOT)
        line = self.proc.stdout.readline().decode()
        if "127.0.0.1" not in line:
            raise SystemExit(f"web_load: the server did not start: {line}")
        # The request log is read away in the background so the pipe never fills.
        asyncio.get_event_loop().run_in_executor(None, self._drain, self.proc, self.log)

    @staticmethod
    def _drain(proc, log):
        for line in proc.stdout:
            log.write(line)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """SIGTERM: the server finishes what is in flight and exits 0."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        if code != 0:
            raise SystemExit(f"web_load: the server exited {code} on SIGTERM")


class Client:
    """One keep-alive connection; reconnects when the server went away."""

    def __init__(self, port, token):
        self.port, self.token = port, token
        self.reader = self.writer = None

    async def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            self.writer.write(head + data)
            await self.writer.drain()
            status_line = await self.reader.readline()
            if not status_line:
                raise ConnectionError("closed")
            status = int(status_line.split()[1])
            length = 0
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            payload = await self.reader.readexactly(length) if length else b""
            return status, json.loads(payload) if payload.startswith(b"{") else {}
        except (ConnectionError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            self.writer.close()
            self.reader = self.writer = None
            raise ConnectionError("no answer")


async def unit_work(client, unit, answers, saves, stats, acked, kill_event, state):
    """SAVES drafts (each with its own explanation text, so each is new content), then submit."""
    version = 0
    for k in range(1, saves + 1):
        body = {"answers": answers, "explanations": {"load/test": f"{unit} lần lưu {k}"}}
        while True:
            start = time.perf_counter()
            try:
                status, answer = await client.request("PUT", "/api/v1/draft", body)
            except ConnectionError:
                await asyncio.sleep(0.05)
                continue
            if status == 200:
                stats.append(time.perf_counter() - start)
                version = answer["version"]
                acked[unit] = (version, k)
                state["saves"] += 1
                if state["saves"] == state["kill_at"]:
                    kill_event.set()
                break
            raise LoadFailure(f"web_load: save of {unit} answered {status}: {answer}")
    while True:
        try:
            status, answer = await client.request("GET", "/api/v1/draft")
            if status != 200:
                raise LoadFailure(f"web_load: draft of {unit} answered {status}")
            warnings = [i["key"] for i in answer["issues"] if i["severity"] == "warning"]
            status, answer = await client.request("POST", "/api/v1/submit", {"confirm": warnings})
        except ConnectionError:
            await asyncio.sleep(0.05)
            continue
        if status == 201:
            state["submitted"][unit] = answer["revision"]
            return
        if status == 409 and answer.get("error") == "no-draft" and unit in state["submitted_maybe"]:
            return
        if status == 409 and answer.get("error") == "no-draft":
            # A submit answered 201 that the kill cut off: the revision is there (checked below).
            state["submitted_maybe"].add(unit)
            return
        raise LoadFailure(f"web_load: submit of {unit} answered {status}: {answer}")


def make_campaign(binary, db, units, workdir):
    units_file = os.path.join(workdir, "units.yaml")
    with open(units_file, "w") as f:
        f.write("units:\n")
        for i in range(units):
            f.write(f"  - {{id: don-vi-{i:03d}, name: Đơn vị thử tải {i}, short: ĐV {i}}}\n")
    subprocess.run([binary, "campaign", "init", "--db", db, "--units", units_file, "--by", "load"], check=True,
                   stdout=subprocess.DEVNULL, cwd=ROOT)
    out = subprocess.run([binary, "campaign", "links", "--db", db, "--base-url", "http://127.0.0.1"], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    return dict(line.split("\t") for line in out.splitlines())


async def run_engine(name, binary, db, units, saves, kill, log):
    with tempfile.TemporaryDirectory() as workdir:
        links = make_campaign(binary, db, units, workdir)
    tokens = {u: link.rsplit("/u/", 1)[1] for u, link in links.items()}
    with open(os.path.join(ROOT, "Examples/cuc-shtt.json")) as f:
        answers = json.load(f)["answers"]
    server = Server(binary, db, log)
    server.start()
    stats, acked = [], {}
    state = {"saves": 0, "kill_at": (units * saves) // 2 if kill else -1, "submitted": {}, "submitted_maybe": set()}
    kill_event = asyncio.Event()
    clients = {u: Client(server.port, t) for u, t in tokens.items()}

    async def killer():
        await kill_event.wait()
        server.kill()
        state["killed_after"] = state["saves"]
        await asyncio.sleep(0.2)
        server.start()

    killing = asyncio.create_task(killer()) if kill else None
    start = time.perf_counter()
    try:
        await asyncio.wait_for(
            asyncio.gather(*(unit_work(clients[u], u, answers, saves, stats, acked, kill_event, state)
                             for u in tokens)), timeout=600)
    except BaseException:
        if killing:
            killing.cancel()
        server.proc.kill()
        raise
    wall = time.perf_counter() - start
    if killing:
        await killing
    # Every save answered 2xx is in the store; every submission answered 201 is a revision.
    lost = []
    for u, token in tokens.items():
        c = Client(server.port, token)
        status, draft = await c.request("GET", "/api/v1/draft")
        status2, st = await c.request("GET", "/api/v1/status")
        if u in state["submitted"] or u in state["submitted_maybe"]:
            if st["revision"] < 1 or st["state"] != "submitted":
                lost.append(f"{u}: submitted but the store says {st['state']} revision {st['revision']}")
            continue
        version, k = acked[u]
        if draft["version"] < version or (draft["version"] == version and draft["explanations"].get("load/test") != f"{u} lần lưu {k}"):
            lost.append(f"{u}: save {k} (version {version}) answered 200, the store has version {draft['version']}")
        if c.writer:
            c.writer.close()
    for c in clients.values():
        if c.writer:
            c.writer.close()
    server.stop()
    if lost:
        raise SystemExit("web_load: answered saves missing from the store:\n" + "\n".join(lost[:20]))
    stats.sort()
    p50 = statistics.median(stats) * 1000
    p99 = stats[min(len(stats) - 1, int(len(stats) * 0.99))] * 1000
    line = (f"{name}: {units} units × {saves} saves + submit, {len(stats)} saves in {wall:.2f} s = "
            f"{len(stats) / wall:,.0f} saves/s; save latency p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
            f"{len(state['submitted']) + len(state['submitted_maybe'])} submitted"
            + (f"; killed with SIGKILL after {state.get('killed_after')} saves and restarted: no answered save lost"
               if kill else ""))
    print(line, flush=True)
    return line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/debug/ictreport"))
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--engine", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--out", help="append the result lines to this file")
    parser.add_argument("--log", help="keep the servers' standard error here")
    args = parser.parse_args()
    engines = args.engine or ["sqlite", "postgres"]
    lines = []
    folder = tempfile.mkdtemp(prefix="ictreport-load-")
    try:
        with open(args.log or os.path.join(folder, "server.log"), "wb") as log:
            for engine in engines:
                if engine == "sqlite":
                    db = os.path.join(folder, "campaign.sqlite")
                    lines.append(asyncio.run(run_engine("SQLite", args.bin, db, args.units, args.saves, args.kill, log)))
                    continue
                cluster = PostgresCluster()
                try:
                    db = cluster.new_database()
                    lines.append(asyncio.run(
                        run_engine("PostgreSQL", args.bin, db, args.units, args.saves, args.kill, log)))
                finally:
                    cluster.stop()
    except LoadFailure as failure:
        sys.exit(str(failure))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write("\n".join("- web load: " + l for l in lines) + "\n")


if __name__ == "__main__":
    main()
