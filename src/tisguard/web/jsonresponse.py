"""JSON responses serialised once with orjson (Thai kept as UTF-8, numpy values, dates as ISO text),
instead of dumping to text and parsing back for FastAPI to dump again."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse

OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


class OrjsonResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=OPTIONS, default=str)
