"""Throughput and latency of ``POST /api/v1/check`` on a sample, with 1 and 2 server processes.

Starts ``nianbao serve`` on a free port of 127.0.0.1 (and nowhere else) for each process count,
sends a bounded load (a fixed number of requests, ``--concurrency`` at a time, stopped after
``--max-seconds`` whatever happens), prints requests per second and latency percentiles, and
stops the server.

    .venv/bin/python benchmarks/serve.py [--requests 300] [--concurrency 8] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "samples" / "001_5cbb82ac5aa5eb0a.txt"
HOST = "127.0.0.1"


@dataclass
class Result:
    workers: int
    sent: int
    ok: int
    seconds: float
    latencies_ms: list[float]

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(workers: int, data_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "nianbao.cli", "serve", "--host", HOST, "--port", str(port)]
    cmd += ["--workers", str(workers), "--data-dir", data_dir]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"nianbao serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("nianbao serve did not start within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


async def load(
    base: str, data: bytes, requests: int, concurrency: int, max_seconds: float
) -> tuple[int, list[float], float]:
    """Send ``requests`` checks, ``concurrency`` at a time; (answered 200, latencies, seconds)."""
    latencies: list[float] = []
    ok = 0
    todo = iter(range(requests))
    stop_at = time.monotonic() + max_seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal ok
        for _ in todo:
            if time.monotonic() > stop_at:
                return
            t0 = time.perf_counter()
            r = await http.post("/api/v1/check", files={"file": (SAMPLE.name, data, "text/plain")})
            latencies.append(1000 * (time.perf_counter() - t0))
            ok += r.status_code == 200

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        for _ in range(min(concurrency, 4) * 2):  # warm up: worker processes, caches, connections
            await http.post("/api/v1/check", files={"file": (SAMPLE.name, data, "text/plain")})
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        return ok, latencies, time.perf_counter() - start


def run(workers: int, requests: int, concurrency: int, max_seconds: float) -> Result:
    data = SAMPLE.read_bytes()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        proc, base = start_server(workers, tmp)
        try:
            ok, latencies, seconds = asyncio.run(load(base, data, requests, concurrency, max_seconds))
        finally:
            stop_server(proc)
    return Result(workers, len(latencies), ok, seconds, latencies)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=300, help="requests per run (default 300)")
    ap.add_argument("--concurrency", type=int, default=8, help="requests in flight (default 8)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="server process counts (default 1 2)")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="stop a run after this long (default 60)")
    args = ap.parse_args()
    print(f"POST /api/v1/check with {SAMPLE.name} ({SAMPLE.stat().st_size} bytes) on {HOST}")
    print(f"{args.requests} requests, {args.concurrency} in flight\n")
    print(f"{'workers':>7} {'sent':>5} {'ok':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'mean ms':>8}")
    for workers in args.workers:
        r = run(workers, args.requests, args.concurrency, args.max_seconds)
        mean = statistics.fmean(r.latencies_ms) if r.latencies_ms else float("nan")
        print(
            f"{r.workers:>7} {r.sent:>5} {r.ok:>5} {r.sent / r.seconds:>7.1f} {r.percentile(50):>7.1f}"
            f" {r.percentile(95):>7.1f} {r.percentile(99):>7.1f} {mean:>8.1f}"
        )


if __name__ == "__main__":
    main()
