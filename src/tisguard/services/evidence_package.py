"""Frozen evidence packages: a ZIP of the listing snapshot, images, assessment and registry lookup,
with a SHA-256 manifest. Written once, never modified; its hash is checked whenever it is opened."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from tisguard.detect.evidence import dumps


class TamperedEvidence(Exception):
    pass


def _json(obj) -> bytes:
    return json.dumps(json.loads(dumps(obj)), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def build_package(detail: dict, evidence_dir: Path, image_root: Path | None = None) -> tuple[Path, str, dict]:
    """Write the package; returns (path, sha256 of the ZIP, manifest)."""
    captured = datetime.now(UTC).isoformat()
    files: dict[str, bytes] = {
        "listing.json": _json(
            {
                k: detail[k]
                for k in (
                    "platform",
                    "listing_id",
                    "title",
                    "description",
                    "url",
                    "price",
                    "currency",
                    "brand",
                    "model",
                    "attributes",
                    "sold_count",
                    "captured_at",
                    "seller",
                    "snapshots",
                )
            }
        ),
        "assessment.json": _json(detail["assessment"]),
        "registry.json": _json(detail["registry"]),
    }
    for img in detail.get("images", []):
        p = (image_root / img["path"]) if image_root and img.get("path") else None
        if p and p.is_file():
            files[f"images/{img['position']}_{p.name}"] = p.read_bytes()
    manifest = {
        "format": "tisguard-evidence/1",
        "captured_at": captured,
        "listing": f"{detail['platform']}/{detail['listing_id']}",
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(files.items()):
            z.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data)
        z.writestr(zipfile.ZipInfo("manifest.json", date_time=(2000, 1, 1, 0, 0, 0)), _json(manifest))
    data = buf.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    evidence_dir.mkdir(parents=True, exist_ok=True)
    path = evidence_dir / f"{digest}.zip"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        os.chmod(tmp, 0o444)
        tmp.replace(path)
    return path, digest, manifest


def read_verified(path: Path, expected_sha256: str) -> bytes:
    """The package bytes, only if they still hash to what was recorded; and the manifest matches its files."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TamperedEvidence(f"{path.name}: the evidence file is missing from the store") from None
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise TamperedEvidence(f"{path.name}: SHA-256 differs from the recorded hash")
    verify_manifest(data)
    return data


def verify_manifest(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        manifest = json.loads(z.read("manifest.json"))
        for name, h in manifest["files"].items():
            if hashlib.sha256(z.read(name)).hexdigest() != h:
                raise TamperedEvidence(f"{name}: hash differs from the manifest")
    return manifest
