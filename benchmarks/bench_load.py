"""Bounded load test on loopback: C clients (default 16) push batches and call the pre-listing check for
D seconds (default 60) while one malicious client sends the regex payloads of the security review
(`tis` + thousands of spaces, a 90-space line after a standard number) to the check. Prints the check's
and the push's p50/p95/p99, the malicious requests' latency, and whether anything was lost: every record
the server accepted must be in the store, every rejected one must have come back with its field named
and be in the store's rejects table.

Usage: python benchmarks/bench_load.py [SECONDS] [CLIENTS] [BATCH]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

import httpx
from server import running_server
from sqlalchemy import create_engine, text

# Titles are drawn from products x brands x model codes x promo noise, as many sellers' listings are: pushing
# one identical title thousands of times builds one near-duplicate group whose every member's evidence changes
# with each copy (see RESULTS.md), which measures that group, not the API.
PRODUCTS = [
    "ปลั๊กพ่วง 4 ช่อง 3 เมตร",
    "พาวเวอร์แบงค์ 20000mAh",
    "หมวกกันน็อคเต็มใบ",
    "เสื้อยืด cotton",
    "ไดร์เป่าผม 2000W",
    "หม้อหุงข้าว 1.8 ลิตร",
    "เคสโทรศัพท์ กันกระแทก",
    "หลอดไฟ LED 9W E27",
    "ของเล่นเด็ก ตัวต่อ 100 ชิ้น",
    "สายชาร์จ USB-C 1m",
]
BRANDS = ["Xtra", "PowerMax", "Lumira", "KenDo", "โนแบรนด์", "ArmorRide", "HomeMate", "Mi"]
PROMO = ["🔥ส่งฟรี", "ของแท้100%", "พร้อมส่ง", "ราคาส่ง", "", "ลดราคา!!"]


def _title(no: int, i: int, k: int) -> str:
    n = no * 7919 + i * 104729 + k * 1299709
    return f"{PRODUCTS[n % 10]} {BRANDS[n // 10 % 8]} รุ่น {chr(65 + n % 26)}{n % 9973} {PROMO[n // 80 % 6]}".strip()


PAYLOADS = [
    {"title": "tis" + " " * 1990 + "x", "description": "tis" + " " * 20000 + "x"},
    {"title": "ปลั๊กพ่วง", "description": ("ได้มาตรฐาน มอก. 2432-2555" + " " * 90 + "\n") * 800},
    {"title": "ท" + " " * 1900, "description": ("ท" + " " * 200 + "1" + " " * 200) * 100},
]


def _q(xs: list[float]) -> dict:
    if len(xs) < 2:
        return {"n": len(xs)}
    q = statistics.quantiles(sorted(xs), n=100)
    return {
        "n": len(xs),
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
    }


async def _client(c: httpx.AsyncClient, no: int, stop: float, batch: int, out: dict) -> None:
    i = 0
    while time.perf_counter() < stop:
        records = [
            {
                "platform": "shopee",
                "listing_id": f"c{no}-{i}-{k}",
                "title": _title(no, i, k),
                "price": 150 + k,
                "seller": {"id": f"s{no}", "country": "CN"},
            }
            for k in range(batch)
        ]
        records.append({"platform": "shopee", "listing_id": f"c{no}-{i}-bad", "title": "x", "url": "javascript:x"})
        t = time.perf_counter()
        r = await c.post("/api/v1/listings", json={"listings": records}, headers={"Idempotency-Key": f"b-{no}-{i}"})
        out["push"].append(time.perf_counter() - t)
        if r.status_code != 200:
            out["push_errors"] += 1
        else:
            for res in r.json()["results"]:
                if res["status"] == "accepted":
                    out["accepted"].add(res["listing_id"])
                else:
                    out["rejected"].add(res["listing_id"])
                    out["rejected_named"] += bool(res["errors"]) and all(e.get("field") for e in res["errors"])
        t = time.perf_counter()
        r = await c.post("/api/v1/check", json={**records[0], "listing_id": f"draft-{no}-{i}"})
        out["check"].append(time.perf_counter() - t)
        out["check_errors"] += r.status_code != 200
        i += 1


async def _malicious(c: httpx.AsyncClient, stop: float, out: dict) -> None:
    i = 0
    while time.perf_counter() < stop:
        body = {"platform": "shopee", "listing_id": f"evil-{i}", "seller": {"id": "evil"}, **PAYLOADS[i % 3]}
        t = time.perf_counter()
        r = await c.post("/api/v1/check", json=body)
        out["malicious"].append(time.perf_counter() - t)
        out["malicious_status"][r.status_code] = out["malicious_status"].get(r.status_code, 0) + 1
        i += 1


async def _run(base: str, key: str, seconds: float, clients: int, batch: int) -> dict:
    out = {
        "push": [],
        "check": [],
        "malicious": [],
        "accepted": set(),
        "rejected": set(),
        "rejected_named": 0,
        "push_errors": 0,
        "check_errors": 0,
        "malicious_status": {},
    }
    limits = httpx.Limits(max_connections=clients + 2)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {key}"}, limits=limits, timeout=30
    ) as c:
        stop = time.perf_counter() + seconds
        await asyncio.gather(_malicious(c, stop, out), *(_client(c, n, stop, batch, out) for n in range(clients)))
    return out


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    with running_server() as (base, keys, data):
        out = asyncio.run(_run(base, keys["shopee"], seconds, clients, batch))
        db = create_engine(f"sqlite:///{data / 'tisguard.db'}")
        with db.connect() as conn:
            stored = set(conn.execute(text("select listing_id from listings")).scalars())
            in_rejects = set(
                conn.execute(
                    text("select listing_id from rejects where source like 'push:%' and field <> ''")
                ).scalars()
            )
        db.dispose()
    lost = out["accepted"] - stored
    rejects_lost = out["rejected"] - in_rejects
    print(
        json.dumps(
            {
                "seconds": seconds,
                "clients": clients,
                "batch": batch,
                "check": _q(out["check"]),
                "push": _q(out["push"]),
                "malicious_check": _q(out["malicious"]),
                "malicious_status": out["malicious_status"],
                "check_errors": out["check_errors"],
                "push_errors": out["push_errors"],
                "accepted": len(out["accepted"]),
                "lost": len(lost),
                "rejected": len(out["rejected"]),
                "rejected_with_field": out["rejected_named"],
                "rejected_not_in_rejects_table": len(rejects_lost),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
