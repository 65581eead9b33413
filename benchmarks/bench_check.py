"""Pre-listing check latency: drives POST /api/v1/check over loopback with concurrent clients.

Starts `tisguard serve` on a free port with a fresh data dir, then sends R requests/s (default 200)
for D seconds (default 20) from C concurrent clients, and prints throughput and p50/p95/p99 latency.
Usage: python benchmarks/bench_check.py [RATE] [SECONDS] [CLIENTS]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

from rawhttp import Connection
from server import running_server

TITLES = [
    "ปลั๊กพ่วง 4 ช่อง 3 เมตร",
    "พาวเวอร์แบงค์ 20000mAh ชาร์จเร็ว",
    "หมวกกันน็อคเต็มใบ",
    "เสื้อยืด cotton 100%",
    "ไดร์เป่าผม 2000W พับได้",
    "เคสโทรศัพท์ iPhone 15",
    "ของเล่นเด็ก ตัวต่อ 100 ชิ้น มอก.685 เล่ม 1-2562",
]


async def _run(base: str, key: str, rate: float, seconds: float, clients: int) -> tuple[list[float], int]:
    """Open loop: request i is sent at i / rate seconds on the first free of `clients` keep-alive connections;
    latency is from sending to the whole answer read."""
    lat: list[float] = []
    errors = 0
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(clients):
        pool.put_nowait(await Connection.open(base))
    auth = {"Authorization": f"Bearer {key}"}

    async def one(i: int) -> None:
        nonlocal errors
        body = {
            "platform": "shopee",
            "listing_id": f"pre-{i}",
            "title": TITLES[i % len(TITLES)],
            "description": "สินค้าพร้อมส่ง รับประกัน 1 ปี",
            "price": 199,
            "seller": {"id": "s1", "country": "CN"},
        }
        conn = await pool.get()
        try:
            t = time.perf_counter()
            status, _ = await conn.post_json("/api/v1/check", body, auth)
            lat.append(time.perf_counter() - t)
            errors += status != 200
        finally:
            pool.put_nowait(conn)

    tasks, start, i = [], time.perf_counter(), 0
    while (now := time.perf_counter() - start) < seconds:
        due = int(now * rate)
        while i < due:
            tasks.append(asyncio.create_task(one(i)))
            i += 1
        await asyncio.sleep(0.002)
    await asyncio.gather(*tasks)
    while not pool.empty():
        pool.get_nowait().close()
    return lat, errors


def main() -> None:
    rate = float(sys.argv[1]) if len(sys.argv) > 1 else 200
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20
    clients = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    with running_server() as (base, keys, _data):
        asyncio.run(_run(base, keys["shopee"], 20, 2, 4))  # warm-up
        t = time.perf_counter()
        lat, errors = asyncio.run(_run(base, keys["shopee"], rate, seconds, clients))
        wall = time.perf_counter() - t
    q = statistics.quantiles(sorted(lat), n=100)
    print(
        json.dumps(
            {
                "offered_rps": rate,
                "achieved_rps": round(len(lat) / wall, 1),
                "requests": len(lat),
                "errors": errors,
                "p50_ms": round(q[49] * 1000, 1),
                "p95_ms": round(q[94] * 1000, 1),
                "p99_ms": round(q[98] * 1000, 1),
                "clients": clients,
                "seconds": seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
