"""Contract test: schemathesis drives the live app from its own OpenAPI document and finds no 500s."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")


def test_openapi_describes_every_platform_route(live):
    spec = httpx.get(live["base"] + "/openapi.json").json()
    paths = spec["paths"]
    for path, method in (
        ("/api/v1/listings", "post"),
        ("/api/v1/listings/{listing_id}", "get"),
        ("/api/v1/check", "post"),
        ("/api/v1/notices", "get"),
        ("/api/v1/notices/{notice_id}/actions", "post"),
        ("/api/v1/queue", "get"),
    ):
        assert method in paths[path], (path, method)


def test_schemathesis_finds_no_server_errors(live):
    for platform_key in (live["keys"]["shopee"],):
        r = subprocess.run(
            [
                SCHEMATHESIS,
                "run",
                live["base"] + "/openapi.json",
                "--checks",
                "not_a_server_error",
                "--include-tag",
                "platform",
                "-H",
                f"Authorization: Bearer {platform_key}",
                "--max-examples",
                "25",
                "--phases",
                "examples,coverage,fuzzing",
                "--generation-deterministic",
                "--request-timeout",
                "10",
                "--max-time",
                "90",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
