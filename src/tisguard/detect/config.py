"""Engine configuration: which detectors run, their parameters, and the scorer's weights.

Defaults live here; a JSON file (`--config`) overrides any part of them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

DEFAULT_CONFIG: dict = {
    "detectors": [
        "standard_number",
        "licence_number",
        "vague_claim",
        "category",
        "image_evidence",
        "licence_registry",
        "cross_border",
        "low_price",
        "seller_dbd",
        "seller_history",
    ],
    "params": {"low_price": {"ratio": 0.45}},
    "regulated_threshold": 0.5,
    # log-odds added to the risk score by each signal (the waterfall's steps)
    "weights": {
        "base": -1.0,
        "category_scale": 1.0,
        "category_cap": 4.0,  # the category step is clipped to [-cap, cap/2]: a product type alone never makes risk certain
        "licence_verified": -5.0,
        "licence_not_found": 2.5,
        "licence_suspended": 3.0,
        "licence_revoked": 3.0,
        "licence_cancelled": 2.5,
        "licence_other_standard": 2.0,
        "licence_brand_mismatch": 2.0,
        "no_tis_admitted": 3.0,
        "standard_number": -0.8,
        "vague_claim": -0.2,
        "tis_mark_image": -0.6,
        "qr_suspicious": 1.5,
        "qr_tisi": -0.5,
        "no_tis_evidence": 2.0,
        "cross_border": 0.8,
        "price_low": 0.6,
        "seller_not_dbd": 0.4,
        "seller_past_violations": 0.6,
    },
}


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_config(path: Path | None = None) -> dict:
    if path is None:
        return copy.deepcopy(DEFAULT_CONFIG)
    return _merge(DEFAULT_CONFIG, json.loads(path.read_text(encoding="utf-8")))
