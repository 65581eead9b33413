"""Check part A files against listing-v1 required fields and types, label shape, ids and near-duplicate titles."""

import csv
import difflib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = [HERE.parent / "part_a_negatives.jsonl", HERE.parent / "part_a_regulated.jsonl"]
CATALOGUES = [
    Path("/work/shared/data/tisi_mandatory_standards.csv"),
    Path("/work/shared/data/tisi_licence_stats_2025_11.csv"),
]
PLATFORMS = {"shopee", "lazada", "tiktok", "line", "nocnoc", "temu", "other"}
VERDICTS = {"not_regulated", "compliant", "unverified", "non_compliant"}


def known_tis() -> set[str]:
    known = set()
    with CATALOGUES[0].open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            known.add(row["tis_number"])
    with CATALOGUES[1].open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if row[1].startswith("เลขที่"):
                continue
            known.add(row[1].rsplit("-", 1)[0])
    return known


def check(rec: dict, where: str, tis_ok: set[str]) -> list[str]:
    errs = []

    def need(cond: bool, msg: str) -> None:
        if not cond:
            errs.append(f"{where}: {msg}")

    need(rec.get("platform") in PLATFORMS, "platform")
    need(isinstance(rec.get("listing_id"), str) and rec["listing_id"].startswith("hn14a-"), "listing_id")
    need(isinstance(rec.get("title"), str) and rec["title"].strip() != "", "title")
    if "description" in rec:
        need(isinstance(rec["description"], str), "description")
    if "price" in rec:
        need(isinstance(rec["price"], (int, float)) and rec["price"] >= 0, "price")
    need(rec.get("currency") == "THB", "currency")
    for key in ("brand", "platform_category"):
        if key in rec:
            need(isinstance(rec[key], str), key)
    seller = rec.get("seller")
    need(isinstance(seller, dict) and isinstance(seller.get("id"), str) and seller["id"], "seller.id")
    if isinstance(seller, dict):
        need(isinstance(seller.get("name"), str), "seller.name")
        need(isinstance(seller.get("country"), str) and len(seller["country"]) == 2, "seller.country")
    need(rec.get("synthetic") is True, "synthetic")
    label = rec.get("label")
    need(isinstance(label, dict), "label")
    if isinstance(label, dict):
        need(label.get("verdict") in VERDICTS, "label.verdict")
        need(isinstance(label.get("reason"), str) and label["reason"], "label.reason")
        need(isinstance(label.get("group"), str) and label["group"], "label.group")
        if label.get("regulated") is False:
            need(label.get("tis") is None and label.get("verdict") == "not_regulated", "negative label")
        else:
            need(label.get("regulated") is True, "label.regulated")
            need(label.get("verdict") in {"unverified", "non_compliant"}, "regulated verdict")
            need(label.get("tis") in tis_ok, f"tis {label.get('tis')!r} not in catalogue")
            for alt in label.get("tis_alt", []):
                need(alt in tis_ok, f"tis_alt {alt!r} not in catalogue")
    return errs


def main() -> None:
    tis_ok = known_tis()
    errs: list[str] = []
    seen_ids = set()
    titles = []
    for path in FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            rec = json.loads(line)
            where = f"{path.name}:{n}"
            errs.extend(check(rec, where, tis_ok))
            key = (rec["platform"], rec["listing_id"])
            if key in seen_ids:
                errs.append(f"{where}: duplicate id")
            seen_ids.add(key)
            titles.append((where, rec["title"]))
    for i in range(len(titles)):
        a = titles[i][1]
        for j in range(i + 1, len(titles)):
            b = titles[j][1]
            sm = difflib.SequenceMatcher(None, a, b)
            if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
                errs.append(f"near-duplicate {titles[i][0]} / {titles[j][0]}: {a!r} ~ {b!r}")
    for e in errs:
        print(e)
    print(f"checked {len(titles)} records, {len(errs)} problems")
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
