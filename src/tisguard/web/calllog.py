"""The platform API call log: every call by a platform key is recorded (platform, method, path, status).

Writes are queued and flushed by one background thread, so logging never sits in the upload path;
a pure ASGI middleware reads the status without buffering the response.
"""

from __future__ import annotations

import queue
import threading
from datetime import UTC, datetime

from tisguard.store.tables import api_calls


class CallLog:
    def __init__(self, db, flush_every_s: float = 0.5):
        self.db, self.flush_every_s = db, flush_every_s
        self._q: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def add(self, platform: str, method: str, path: str, status: int) -> None:
        self._q.put(
            {"platform": platform, "method": method, "path": path[:2000], "status": status, "at": datetime.now(UTC)}
        )
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tisguard-calllog", daemon=True)
            self._thread.start()

    def flush(self) -> int:
        rows = []
        while True:
            try:
                rows.append(self._q.get_nowait())
            except queue.Empty:
                break
        if rows:
            with self.db.begin() as conn:
                conn.execute(api_calls.insert(), rows)
        return len(rows)

    def _run(self) -> None:
        while not self._stop.wait(self.flush_every_s):
            self.flush()

    def close(self) -> None:
        self._stop.set()
        self.flush()


class CallLogMiddleware:
    def __init__(self, app, log: CallLog):
        self.app, self.log = app, log

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        status = {}

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, send_wrapper)
        platform = scope.get("state", {}).get("platform")
        if platform:
            self.log.add(platform, scope["method"], scope["path"], status.get("code", 0))
