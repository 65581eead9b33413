"""A one-document summary of a frozen evidence package, for a case file or a letter: the listing as captured,
the verdict with its reasons and evidence, the registry lookup, and the SHA-256 of the package and of every
file in it. It is made from the package itself (its hash checked first), so it shows what was frozen."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tisguard.services.evidence_package import read_verified
from tisguard.services.pdf import render_pdf


def evidence_summary_pdf(path: Path, sha256: str, listing_pk: int) -> bytes:
    data = read_verified(path, sha256)  # raises TamperedEvidence when the file or a member changed
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        manifest = json.loads(z.read("manifest.json"))
        listing = json.loads(z.read("listing.json"))
        assessment = json.loads(z.read("assessment.json")) if "assessment.json" in z.namelist() else None
        registry = json.loads(z.read("registry.json")) if "registry.json" in z.namelist() else []
    return render_pdf(
        "pdf_evidence.html",
        pk=listing_pk,
        sha256=sha256,
        manifest=manifest,
        l=listing,
        a=assessment or {},
        registry=registry or [],
    )
