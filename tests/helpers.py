"""Helpers the tests share: run the CLI in-process or as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
TISGUARD = str(Path(sys.executable).parent / "tisguard")


def cli(*args: str, input: str | None = None):
    from tisguard.cli.main import app

    result = CliRunner().invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
    return result


def cli_json(*args: str) -> dict:
    r = cli(*args, "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout.strip().splitlines()[-1])


def run(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TISGUARD, *map(str, args)], capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=ROOT, **kw
    )
