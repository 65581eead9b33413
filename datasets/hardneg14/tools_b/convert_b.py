"""Convert the compact hand-written sources (neg_*.txt, reg_*.txt) into listing-v1 JSONL.

Only fields that do not change text are added: listing_id, seller id (hash of the seller name),
currency, synthetic flag and the label dict built from the header/line fields.
"""

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent
PLATFORMS = {"s": "shopee", "l": "lazada", "t": "tiktok", "tm": "temu", "ln": "line", "n": "nocnoc", "o": "other"}
CLAIM_WORDS = ("มอก", "มอ.ก", "TIS")


def digits(key: str, n: int) -> str:
    h = int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16)
    return str(h)[:n]


def listing_id(platform: str, key: str) -> str:
    if platform == "shopee":
        return f"hn14b-{digits('shop' + key, 9)}.{digits(key, 11)}"
    if platform == "lazada":
        return f"hn14b-i{digits(key, 10)}-s{digits('sku' + key, 11)}"
    if platform == "tiktok":
        return f"hn14b-17{digits(key, 17)}"
    if platform == "temu":
        return f"hn14b-60{digits(key, 13)}"
    if platform == "line":
        return f"hn14b-{hashlib.sha1(key.encode()).hexdigest()[:24]}"
    if platform == "nocnoc":
        return f"hn14b-NN{digits(key, 8)}"
    return f"hn14b-o{digits(key, 10)}"


def parse_header(line: str) -> dict:
    out = {}
    for part in line[1:].split(";"):
        k, _, v = part.partition("=")
        out[k.strip()] = v.strip()
    return out


def convert(paths: list[Path], regulated: bool) -> list[dict]:
    records = []
    header: dict = {}
    for path in paths:
        for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            if raw.startswith("@"):
                header = parse_header(raw)
                continue
            f = raw.split("§")
            where = f"{path.name}:{lineno}"
            if len(f) < 7:
                sys.exit(f"{where}: too few fields")
            plat, title, desc, price, brand, seller, country = f[:7]
            extra = f[7:]
            platform = PLATFORMS[plat]
            rec = {"platform": platform, "listing_id": listing_id(platform, title), "title": title}
            if desc:
                rec["description"] = desc.replace("\\n", "\n")
            if price:
                rec["price"] = float(price.replace(",", ""))
            rec["currency"] = "THB"
            if brand:
                rec["brand"] = brand
            rec["platform_category"] = header["cat"]
            sid = "s" + hashlib.sha256(seller.encode("utf-8")).hexdigest()[:12]
            rec["seller"] = {"id": sid, "name": seller, "country": country}
            rec["synthetic"] = True
            if regulated:
                verdict = {"u": "unverified", "n": "non_compliant"}[extra[0]]
                tis, alt, reason = header["tis"], [], header["reason"]
                if header.get("alt"):
                    alt.append(header["alt"])
                for x in extra[1:]:
                    if x.startswith("tis="):
                        tis = x[4:]
                    elif x.startswith("alt="):
                        alt.append(x[4:])
                    else:
                        reason = x
                text = title + " " + desc
                claims = any(w in text for w in CLAIM_WORDS)
                if claims != (verdict == "unverified"):
                    print(f"WARN {where}: verdict {verdict} but claim={claims}", file=sys.stderr)
                label = {"regulated": True, "tis": tis, "verdict": verdict, "reason": reason, "group": header["group"]}
                if alt:
                    label["tis_alt"] = alt
            else:
                reason = extra[0] if extra else header["reason"]
                label = {
                    "regulated": False,
                    "tis": None,
                    "verdict": "not_regulated",
                    "reason": reason,
                    "group": header["group"],
                }
            rec["label"] = label
            records.append(rec)
    return records


def write(records: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def main() -> None:
    neg = convert(sorted(HERE.glob("neg_*.txt")), regulated=False)
    reg = convert(sorted(HERE.glob("reg_*.txt")), regulated=True)
    ids = [(r["platform"], r["listing_id"]) for r in neg + reg]
    if len(ids) != len(set(ids)):
        sys.exit("duplicate listing ids")
    write(neg, OUT / "part_b_negatives.jsonl")
    write(reg, OUT / "part_b_regulated.jsonl")
    print(f"negatives {len(neg)} regulated {len(reg)}")


if __name__ == "__main__":
    main()
