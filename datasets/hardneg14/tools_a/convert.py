"""Convert the hand-written compact files (neg*.txt, reg*.txt) into listing-v1 JSON Lines.

Compact line: platform|title|description|price|brand|category|seller|country[|verdict[|tis_alt]]
Group header: @group|...; for negatives @group|reason|default_category,
for regulated @group|tis|reason|tis_alt(;)|default_category.
Only fields that do not change the written text are added (ids, currency, synthetic).
"""

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent
PLATFORMS = {
    "s": "shopee",
    "l": "lazada",
    "t": "tiktok",
    "n": "line",
    "c": "nocnoc",
    "m": "temu",
    "o": "other",
}
PREFIX = "hn14a-"


def digits(seed: str, n: int) -> str:
    h = int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16)
    s = str(h)
    out = s[:n]
    return ("1" + out[1:]) if out[0] == "0" else out


def listing_id(platform: str, seed: str) -> str:
    if platform == "shopee":
        return f"{PREFIX}{digits('shop' + seed, 9)}.{digits(seed, 11)}"
    if platform == "lazada":
        return f"{PREFIX}i{digits(seed, 10)}-s{digits('sku' + seed, 11)}"
    if platform == "tiktok":
        return f"{PREFIX}17{digits(seed, 17)}"
    if platform == "temu":
        return f"{PREFIX}601{digits(seed, 12)}"
    if platform == "nocnoc":
        return f"{PREFIX}{digits(seed, 7)}"
    if platform == "line":
        return f"{PREFIX}{hashlib.sha1(seed.encode('utf-8')).hexdigest()[:24]}"
    return f"{PREFIX}{hashlib.md5(seed.encode('utf-8')).hexdigest()[:16]}"


def seller_id(platform: str, name: str) -> str:
    return f"{platform[:2]}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:12]}"


def parse(path: Path, regulated: bool) -> list[dict]:
    records = []
    group = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        parts = line.split("|")
        if line.startswith("@"):
            if regulated:
                name, tis, reason, alt, cat = parts
                group = {"name": name[1:], "tis": tis, "reason": reason, "alt": alt, "cat": cat}
            else:
                name, reason, cat = parts
                group = {"name": name[1:], "reason": reason, "cat": cat}
            continue
        where = f"{path.name}:{lineno}"
        if regulated:
            if len(parts) not in (9, 10):
                sys.exit(f"{where}: expected 9/10 fields, got {len(parts)}")
        elif len(parts) != 8:
            sys.exit(f"{where}: expected 8 fields, got {len(parts)}")
        code, title, desc, price, brand, cat, seller, country = parts[:8]
        platform = PLATFORMS[code]
        rec = {
            "platform": platform,
            "listing_id": listing_id(platform, f"{path.name}|{lineno}|{title}"),
            "title": title,
        }
        if desc != "-":
            rec["description"] = desc.replace(" // ", "\n")
        rec["price"] = float(price) if "." in price else int(price)
        rec["currency"] = "THB"
        if brand != "-":
            rec["brand"] = brand
        rec["platform_category"] = group["cat"] if cat == "-" else cat
        rec["seller"] = {"id": seller_id(platform, seller), "name": seller, "country": country}
        rec["synthetic"] = True
        text = title + " " + rec.get("description", "")
        claims = "มอก" in text or "TIS" in text
        if regulated:
            verdict = {"n": "non_compliant", "u": "unverified"}[parts[8]]
            if claims != (verdict == "unverified"):
                sys.exit(f"{where}: claim/verdict mismatch")
            reason = group["reason"]
            if verdict == "unverified":
                reason += "; text claims มอก./TIS conformity but gives no licence number"
            alt_src = parts[9] if len(parts) == 10 else group["alt"]
            alts = [a for a in alt_src.split(";") if a and a != "-" and a != group["tis"]]
            label = {
                "regulated": True,
                "tis": group["tis"],
                "verdict": verdict,
                "reason": reason,
                "group": group["name"],
            }
            if alts:
                label["tis_alt"] = alts
        else:
            if claims:
                sys.exit(f"{where}: negative mentions มอก/TIS")
            label = {
                "regulated": False,
                "tis": None,
                "verdict": "not_regulated",
                "reason": group["reason"],
                "group": group["name"],
            }
        rec["label"] = label
        records.append(rec)
    return records


def main() -> None:
    for kind, pattern, out in (
        (False, "neg*.txt", "part_a_negatives.jsonl"),
        (True, "reg*.txt", "part_a_regulated.jsonl"),
    ):
        recs = []
        for p in sorted(HERE.glob(pattern), key=lambda x: int(x.stem[3:])):
            recs.extend(parse(p, kind))
        with (OUT / out).open("w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(out, len(recs))


if __name__ == "__main__":
    main()
