"""Check part B files against listing-v1 (required fields and types) and for near-duplicate titles."""

import difflib
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent
FILES = ["part_b_negatives.jsonl", "part_b_regulated.jsonl"]
VERDICTS = {"not_regulated", "compliant", "unverified", "non_compliant"}


def check(rec: dict, where: str, errors: list[str]) -> None:
    for key in ("platform", "listing_id", "title"):
        if not isinstance(rec.get(key), str) or not rec[key]:
            errors.append(f"{where}: {key} missing or not a string")
    if not rec.get("listing_id", "").startswith("hn14b-"):
        errors.append(f"{where}: listing_id prefix")
    for key in ("description", "currency", "brand", "platform_category"):
        if key in rec and not isinstance(rec[key], str):
            errors.append(f"{where}: {key} not a string")
    if "price" in rec and (not isinstance(rec["price"], (int, float)) or rec["price"] < 0):
        errors.append(f"{where}: bad price")
    seller = rec.get("seller")
    if not isinstance(seller, dict) or not isinstance(seller.get("id"), str) or not seller["id"]:
        errors.append(f"{where}: seller.id missing")
    elif len(seller.get("country", "")) != 2:
        errors.append(f"{where}: seller.country")
    if rec.get("synthetic") is not True:
        errors.append(f"{where}: synthetic")
    label = rec.get("label")
    if not isinstance(label, dict) or label.get("verdict") not in VERDICTS:
        errors.append(f"{where}: label.verdict")
        return
    if label["verdict"] == "not_regulated":
        if label.get("tis") is not None or label.get("regulated") is not False:
            errors.append(f"{where}: negative with tis/regulated")
    elif not isinstance(label.get("tis"), str) or label.get("regulated") is not True:
        errors.append(f"{where}: regulated without tis")
    if not label.get("reason") or not label.get("group"):
        errors.append(f"{where}: reason/group")


def main() -> None:
    errors: list[str] = []
    titles: list[str] = []
    for name in FILES:
        for i, line in enumerate((OUT / name).read_text(encoding="utf-8").splitlines(), 1):
            rec = json.loads(line)
            check(rec, f"{name}:{i}", errors)
            titles.append(rec["title"])
    dups = []
    for i, a in enumerate(titles):
        sm = difflib.SequenceMatcher(None, a, autojunk=False)
        for b in titles[i + 1 :]:
            sm.set_seq1(b)
            if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
                dups.append((a, b, round(sm.ratio(), 3)))
    for e in errors:
        print("ERROR", e)
    for a, b, r in dups:
        print("NEAR-DUP", r, a, "||", b)
    print(f"records {len(titles)} errors {len(errors)} near-duplicates {len(dups)}")
    sys.exit(1 if errors or dups else 0)


if __name__ == "__main__":
    main()
