"""A kill -9 in the middle of an ingest, then a re-run, leaves exactly the right rows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from sqlalchemy import func, select

from conftest import listing
from helpers import TISGUARD
from tisguard.store.tables import listing_snapshots, listings, rejects

N = 20_000


def test_kill_during_ingest_then_rerun(tmp_path, db):
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(N):
            if i % 1000 == 500:
                fh.write('{"platform": "shopee", "listing_id": 1}\n')  # a bad record every 1000
            fh.write(
                json.dumps(
                    listing(listing_id=f"K{i}", title=f"ปลั๊กไฟ รุ่น {i}", price=i % 500, description="รายละเอียด " * 20),
                    ensure_ascii=False,
                )
                + "\n"
            )
    proc = subprocess.Popen(
        [TISGUARD, "ingest", str(path), "--batch-size", "500"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        with db.connect() as c:
            stored = c.execute(select(func.count()).select_from(listings)).scalar_one()
        if stored >= 2000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; make the file bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < stored < N
    rerun = subprocess.run(
        [TISGUARD, "ingest", str(path), "--json"], env=os.environ.copy(), capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert summary["stored"] + summary["updated"] + summary["unchanged"] == N
    with db.connect() as c:
        assert c.execute(select(func.count()).select_from(listings)).scalar_one() == N
        assert c.execute(select(func.count(func.distinct(listings.c.listing_id)))).scalar_one() == N
        assert c.execute(select(func.count()).select_from(listing_snapshots)).scalar_one() == N
        assert c.execute(select(func.count(func.distinct(rejects.c.record_no)))).scalar_one() == N // 1000
