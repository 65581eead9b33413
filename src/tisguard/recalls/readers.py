"""Read recall files: EU Safety Gate (the published XML export, or CSV with its columns) and US CPSC
(the Recall Retrieval API's JSON, or CSV with its columns). The format is told by the file's extension
and, for CSV, its header. Each record keeps its source (`source`, `recall_id`, the file it came from and
the record as read); a record without an id or a product is rejected, naming the record and field.

Brands and model numbers: Safety Gate has fields for both. CPSC records say them in prose ("INIU
Recalls Power Banks", "ANNQUAN-branded power strips models EX-D112-05 and EX-D106-25", 'sold under the
brand names "HTRC" and "Haisito"'); they are read from those phrasings only, so a common word is never
taken for a brand.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from tisguard.detect.investigation.recalls import GENERIC_BRANDS, Recall, model_key, usable_model
from tisguard.spec.listing import http_url

MAX_FILE_BYTES = 200 * 1024 * 1024
NONE_TEXT = {"", "none", "null", "n/a", "-", "unknown"}
# Upper-case words of CPSC titles that are not brands.
NOT_BRANDS = frozenset(
    "LED USA USB ATX DIY HOME HMS TJX FHSA MCS PNW AMP KKL FUEL DOCG BUILT CPSC BCD BCDS SKU UPC ASTM "
    "EU UK AC DC PC PCS TV HD LCD UV CO FDA II III DANGER WARNING CAUTION NOTE PSI GPM MPH RPM NEW".split()
)
_CAPS_WORD = re.compile(r"(?<![\w&'-])([A-Z][A-Z0-9&]{2,}+)(?![\w&'-])")
_BRANDED = re.compile(r"(?<![\w-])([A-Z][\w&']{1,30}+(?:[ -][A-Z][\w&']{1,30}+){0,2}+)[- ]branded", re.U)
_BRAND_WORD = re.compile(r"(?<![\w-])([A-Z][\w&']{1,30}+(?: [A-Z][\w&']{1,30}+){0,2}+) [Bb]rand(?![\w-])")
_QUOTED_BRANDS = re.compile(r"brand names? ((?:\"[^\"]{2,40}\"(?:,? (?:and|or) |, )?){1,6})")
_QUOTED = re.compile(r"\"([^\"]{2,40})\"")
_RECALLS = re.compile(r"^(.{2,60}?) (?:Recalls|Recall|Reannounces)\b")
_MODEL_CUE = re.compile(r"\b[Mm]odels?(?: [Nn]umbers?| [Nn]o\.?| [Nn]ames?)?\b(?:\s*(?:is|are|include|:))?")
_MODEL_TOKEN = re.compile(r"\"?([A-Za-z0-9][A-Za-z0-9._/-]{1,30}+)\"?")
_SENTENCE_END = re.compile(r"\.(?:\s|$)|;|\)")


class RecallFileError(ValueError):
    """A file that is not one of the formats, or unreadable; the message names the file."""


@dataclass(frozen=True)
class RecallReject:
    record: int
    field: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.record, "field": self.field, "reason": self.reason}


def _clean(v) -> str:
    s = " ".join(str(v or "").split())
    return "" if s.lower() in NONE_TEXT else s


def _url(v) -> str | None:
    s = _clean(v)
    try:
        return http_url(s) if s else None
    except ValueError:
        return None  # only http(s) links are ever shown


_LEADING = re.compile(r"^(?:the|this|these|those|all|both|a|an)\s++", re.I)


def _unique(items) -> tuple[str, ...]:
    out, seen = [], set()
    for i in items:
        i = _LEADING.sub("", _clean(i)).rstrip(".,;:")
        k = i.lower()
        if i and k not in seen and k not in GENERIC_BRANDS:
            seen.add(k)
            out.append(i)
    return tuple(out)


def models_in(text: str) -> list[str]:
    """Model numbers written after 'model(s) (number(s))' up to the end of the sentence."""
    out = []
    for cue in _MODEL_CUE.finditer(text):
        if text[cue.end() : cue.end() + 6].lower().lstrip().startswith(("year", "s ")):
            continue  # "model years 2016 through 2022"
        end = _SENTENCE_END.search(text, cue.end())
        chunk = text[cue.end() : end.start() if end else cue.end() + 120][:160]
        for m in _MODEL_TOKEN.finditer(chunk):
            tok = m.group(1).rstrip("._/-")
            if any(c.isdigit() for c in tok) and usable_model(model_key(tok)):
                out.append(tok)
    return out


def cpsc_brands(title: str, description: str, manufacturers: list[str] = ()) -> tuple[str, ...]:
    found = []
    m = _RECALLS.match(title)
    if m:
        found.append(m.group(1))
    for text in (title, description):
        found += [w for w in _CAPS_WORD.findall(text) if w not in NOT_BRANDS and not any(c.isdigit() for c in w)]
        found += _BRANDED.findall(text) + _BRAND_WORD.findall(text)
        for q in _QUOTED_BRANDS.findall(text):
            found += _QUOTED.findall(q)
    return _unique(found + list(manufacturers))


# ---- EU Safety Gate ----------------------------------------------------------------------------------
EU_FIELDS = {  # CSV column → XML element of the export
    "alert_number": "caseNumber",
    "product_name": "product",
    "product_description": "name",
    "brand": "brand",
    "product_category": "category",
    "model_type_number": "typeNumberModel",
    "risk_type": "riskType",
    "risk_description": "riskDescription",
    "compulsory_measures": "compulsoryMeasures",
    "voluntary_measures": "voluntaryMeasures",
    "case_url": "urlOfCase",
    "barcode": "barcode",
    "published_on": "publicationDate",
}


def eu_recall(rec: dict) -> Recall:
    product = _clean(rec.get("product_name")) or _clean(rec.get("product_description"))
    measures = "; ".join(
        x for x in (_clean(rec.get("compulsory_measures")), _clean(rec.get("voluntary_measures"))) if x
    )
    models = [m for m in re.split(r"[;,]\s*", _clean(rec.get("model_type_number"))) if m]
    models += [b for b in re.split(r"[;,\s]+", _clean(rec.get("barcode"))) if b.isdigit() and len(b) >= 8]
    return Recall(
        source="eu_safety_gate",
        recall_id=_clean(rec.get("alert_number")),
        product=product,
        brands=_unique(re.split(r"\s*[;/]\s*", _clean(rec.get("brand")))),
        models=tuple(m for m in models if usable_model(model_key(m))),
        description=_clean(rec.get("product_description")),
        hazard=" — ".join(x for x in (_clean(rec.get("risk_type")), _clean(rec.get("risk_description"))) if x),
        measures=measures,
        url=_url(rec.get("case_url")),
        category=_clean(rec.get("product_category")) or None,
        published=_clean(rec.get("published_on")) or None,
    )


def read_eu_xml(path: Path) -> list[dict]:
    """Records of the Safety Gate XML export (`notifications` elements), as the CSV's column names."""
    from defusedxml import ElementTree

    try:
        root = ElementTree.parse(path).getroot()
    except Exception as e:  # defusedxml raises its own types for entity attacks; ParseError otherwise
        raise RecallFileError(f"{path}: not a readable Safety Gate XML export ({type(e).__name__}: {e})") from None
    items = root.findall(".//notifications") or root.findall(".//notification")
    return [{col: (n.findtext(tag) or "") for col, tag in EU_FIELDS.items()} for n in items]


# ---- US CPSC ------------------------------------------------------------------------------------------
def cpsc_recall(rec: dict) -> Recall:
    title, desc = _clean(rec.get("title")), _clean(rec.get("description"))
    manufacturers = [m for m in re.split(r"\s*;\s*", _clean(rec.get("manufacturer"))) if m]
    products = rec.get("_products") or []
    models = (
        models_in(desc) + models_in(title) + [m for p in products for m in re.split(r"[;,]\s*", p.get("model", ""))]
    )
    names = [p.get("name", "") for p in products]
    return Recall(
        source="us_cpsc",
        recall_id=_clean(rec.get("recall_number")) or _clean(rec.get("recall_id")),
        product=title or "; ".join(n for n in names if n),
        brands=cpsc_brands(title, desc, [m.split(",")[0] for m in manufacturers]),
        models=_unique(m for m in models if m and usable_model(model_key(m))),
        description=desc,
        hazard=_clean(rec.get("hazards")),
        measures=_clean(rec.get("remedy")),
        url=_url(rec.get("url")),
        category=_clean(rec.get("category")) or None,
        published=_clean(rec.get("recall_date")) or None,
    )


def _names(items, key: str = "Name") -> str:
    return "; ".join(_clean(i.get(key)) for i in items or [] if isinstance(i, dict) and _clean(i.get(key)))


def read_cpsc_json(path: Path) -> list[dict]:
    """Records of the CPSC Recall Retrieval API's JSON (a list, or {"results": [...]}), as CSV columns."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise RecallFileError(f"{path}: not readable CPSC JSON ({e})") from None
    items = doc.get("results", doc.get("Recalls")) if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise RecallFileError(f"{path}: expected a JSON list of recalls (the CPSC Recall Retrieval API's answer)")
    out = []
    for r in items:
        if not isinstance(r, dict):
            out.append({})
            continue
        out.append(
            {
                "recall_id": r.get("RecallID"),
                "recall_number": r.get("RecallNumber"),
                "title": r.get("Title"),
                "description": r.get("Description"),
                "remedy": _names(r.get("Remedies")),
                "manufacturer": _names(r.get("Manufacturers")),
                "hazards": _names(r.get("Hazards")),
                "recall_date": (r.get("RecallDate") or "")[:10],
                "url": r.get("URL"),
                "_products": [
                    {"name": _clean(p.get("Name")), "model": _clean(p.get("Model"))}
                    for p in r.get("Products") or []
                    if isinstance(p, dict)
                ],
            }
        )
    return out


# ---- any file -----------------------------------------------------------------------------------------
def _csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            return list(reader.fieldnames or []), list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise RecallFileError(f"{path}: not a readable UTF-8 CSV ({e})") from None


def read_recall_file(path: Path) -> tuple[list[tuple[Recall, dict]], list[RecallReject]]:
    """(recall, raw record) for each good record, and the rejected ones."""
    if not path.is_file():
        raise RecallFileError(f"{path}: no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RecallFileError(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB")
    suffix = path.suffix.lower()
    if suffix == ".xml":
        raws, make = read_eu_xml(path), eu_recall
    elif suffix == ".json":
        raws, make = read_cpsc_json(path), cpsc_recall
    elif suffix == ".csv":
        header, raws = _csv_rows(path)
        if "alert_number" in header:
            make = eu_recall
        elif "recall_number" in header:
            make = cpsc_recall
        else:
            raise RecallFileError(
                f"{path}: CSV header has neither `alert_number` (EU Safety Gate) nor `recall_number` (US CPSC)"
            )
    else:
        raise RecallFileError(f"{path}: expected .xml (Safety Gate export), .json (CPSC API) or .csv")
    good, bad = [], []
    for i, raw in enumerate(raws, 1):
        r = make(raw)
        if not r.recall_id:
            bad.append(RecallReject(i, "alert_number" if make is eu_recall else "recall_number", "missing"))
        elif not r.product:
            bad.append(RecallReject(i, "product_name" if make is eu_recall else "title", "missing"))
        elif len(r.recall_id) > 100:
            bad.append(RecallReject(i, "recall_id", "longer than 100 characters"))
        else:
            good.append((r, dict(raw)))
    return good, bad


def shipped_samples() -> list[Path]:
    """The samples shipped with tisguard (see data/recalls/SOURCES.md)."""
    from importlib import resources

    folder = Path(str(resources.files("tisguard") / "data" / "recalls"))
    return sorted(p for p in folder.glob("*.csv"))
