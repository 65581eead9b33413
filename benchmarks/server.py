"""A `tisguard serve` on a free loopback port with a fresh data dir, for the HTTP benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "tisguard"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(platforms: tuple[str, ...] = ("shopee",)):
    """Yields (base URL, {platform: key}, data dir); the server is stopped afterwards."""
    with tempfile.TemporaryDirectory() as d:
        env = {**os.environ, "TISGUARD_DATA": d, "TISGUARD_RATE_PER_S": "100000", "TISGUARD_RATE_BURST": "100000"}
        keys = {
            p: subprocess.run(
                [BIN, "platform", "add", p], env=env, capture_output=True, text=True, check=True
            ).stdout.split()[-1]
            for p in platforms
        }
        port = free_port()
        server = subprocess.Popen(
            [BIN, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            yield base, keys, Path(d)
        finally:
            server.terminate()
            server.wait(10)
