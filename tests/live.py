"""A real server on loopback with demo data: `tisguard demo` then `tisguard serve` as subprocesses."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from helpers import ROOT, TISGUARD


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    data = tmp_path_factory.mktemp("live")
    env = {**os.environ, "TISGUARD_DATA": str(data)}
    env.pop("TISGUARD_DATABASE_URL", None)
    demo = subprocess.run(
        [TISGUARD, "demo", "--no-serve", "--n", "150"], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert demo.returncode == 0, demo.stderr
    passwords = dict(re.findall(r"demo account: (\w+) \(\w+\) password: (\S+)", demo.stdout))
    keys = {}
    for p in ("shopee", "lazada"):
        out = subprocess.run(
            [TISGUARD, "platform", "add", p], env=env, capture_output=True, text=True, cwd=ROOT, check=True
        )
        keys[p] = out.stdout.strip().splitlines()[-1]
    port = free_port()
    proc = subprocess.Popen(
        [TISGUARD, "serve", "--port", str(port)],
        env={**env, "TISGUARD_RATE_PER_S": "1000", "TISGUARD_RATE_BURST": "2000"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError(proc.stderr.read().decode())
    yield {"base": base, "passwords": passwords, "keys": keys, "data": Path(data), "env": env}
    proc.terminate()
    proc.wait(10)
