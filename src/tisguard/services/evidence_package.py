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


_PHOTO_TYPES = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG", "png"), (b"RIFF", "webp"), (b"GIF8", "gif"), (b"BM", "bmp"))


def evidence_photos(assessment: dict | None, photo_dir: Path | None) -> tuple[dict[str, bytes], list[dict]]:
    """The photos the assessment's evidence was read from (by SHA-256, as kept by the image analyzer under
    `photo_dir/photos/`), each checked against its hash: ({zip name: bytes}, an index naming for each
    photo its hash, where it came from and which evidence lines it carries)."""
    by_sha: dict[str, dict] = {}
    for e in (assessment or {}).get("evidence") or []:
        v = e.get("value") or {}
        sha = v.get("image_sha256")
        if e.get("source") != "image" or not isinstance(sha, str) or len(sha) != 64 or not sha.isalnum():
            continue
        item = by_sha.setdefault(sha, {"sha256": sha, "source": v.get("image_source"), "evidence": []})
        item["evidence"].append({"signal": e.get("signal"), "text": e.get("text"), "box": v.get("box")})
    files: dict[str, bytes] = {}
    for sha, item in by_sha.items():
        p = photo_dir / "photos" / sha if photo_dir else None
        data = p.read_bytes() if p and p.is_file() else None
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            item["file"], item["missing"] = None, "not kept" if data is None else "bytes differ from the hash"
            continue
        ext = next((x for magic, x in _PHOTO_TYPES if data.startswith(magic)), "bin")
        item["file"] = f"photos/{sha}.{ext}"
        files[item["file"]] = data
    return files, list(by_sha.values())


def build_package(
    detail: dict, evidence_dir: Path, image_root: Path | None = None, photo_dir: Path | None = None
) -> tuple[Path, str, dict]:
    """Write the package; returns (path, sha256 of the ZIP, manifest). `photo_dir`: the image cache, whose
    kept photos are added when the assessment's evidence was read from them (with `photos.json`)."""
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
    photos, photo_index = evidence_photos(detail.get("assessment"), photo_dir)
    files.update(photos)
    if photo_index:
        files["photos.json"] = _json(photo_index)
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
