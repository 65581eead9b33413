#!/usr/bin/env python3
"""Convert the hand-written compact lines in src/ into listing-v1 JSONL.

Adds only fields that do not change text: listing_id (platform-shaped, prefix hn4a-),
seller.id (hash of seller name), currency THB, synthetic true. Titles, descriptions and
labels are taken verbatim from the compact lines (" // " in a description is a line break).

Negative line:  plat | title | desc | price | brand | category | seller | cc | reason
Regulated line: plat | title | desc | price | brand | category | seller | cc | tis | n/u | reason | tis_alt(comma)
Group header:   # g: <group>
"""
import glob, hashlib, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {"sp": "shopee", "lz": "lazada", "tt": "tiktok", "tm": "temu", "ln": "line", "nn": "nocnoc", "ot": "other"}


def h(s, n=16):
    return int(hashlib.sha256(s.encode("utf-8")).hexdigest()[:n], 16)


def listing_id(plat, title, idx):
    k = h(f"{plat}|{title}|{idx}")
    if plat == "shopee":
        return f"hn4a-i.{100000000 + k % 900000000}.{10000000000 + (k >> 20) % 89999999999}"
    if plat == "lazada":
        return f"hn4a-i{1000000000 + k % 8999999999}-s{10000000000 + (k >> 18) % 89999999999}"
    if plat == "tiktok":
        return f"hn4a-17{(k % 10**17):017d}"
    if plat == "temu":
        return f"hn4a-601{(k % 10**12):012d}"
    if plat == "line":
        return f"hn4a-line-{k & 0xffffffff:08x}"
    if plat == "nocnoc":
        return f"hn4a-nn{1000000 + k % 8999999}"
    return f"hn4a-ot{10000000 + k % 89999999}"


def parse(pattern, regulated):
    recs = []
    group = None
    for f in sorted(glob.glob(os.path.join(HERE, "src", pattern))):
        for ln, line in enumerate(open(f, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("# g:"):
                group = line[4:].strip()
                continue
            p = [x.strip() for x in line.split(" | ")]
            want = 12 if regulated else 9
            if len(p) != want:
                sys.exit(f"{f}:{ln}: {len(p)} fields, want {want}")
            plat = PLAT[p[0]]
            title, desc = p[1], ("" if p[2] == "-" else p[2].replace(" // ", "\n"))
            price = float(p[3]) if "." in p[3] else int(p[3])
            brand = "" if p[4] == "-" else p[4]
            seller = p[6]
            rec = {
                "platform": plat,
                "listing_id": None,
                "title": title,
                "description": desc,
                "price": price,
                "currency": "THB",
                "brand": brand,
                "platform_category": p[5],
                "seller": {"id": "sel-" + hashlib.sha1(seller.encode("utf-8")).hexdigest()[:12],
                           "name": seller, "country": p[7]},
                "synthetic": True,
            }
            if regulated:
                lab = {"regulated": True, "tis": p[8],
                       "verdict": {"n": "non_compliant", "u": "unverified"}[p[9]],
                       "reason": p[10], "group": group}
                if p[11]:
                    lab["tis_alt"] = [x.strip() for x in p[11].split(",") if x.strip()]
            else:
                lab = {"regulated": False, "tis": None, "verdict": "not_regulated",
                       "reason": p[8], "group": group}
            rec["label"] = lab
            recs.append(rec)
    return recs


def main():
    seen = set()
    for name, pat, reg in (("part_a_negatives.jsonl", "n*.txt", False),
                           ("part_a_regulated.jsonl", "r*.txt", True)):
        recs = parse(pat, reg)
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as fh:
            for i, r in enumerate(recs):
                lid = listing_id(r["platform"], r["title"], i)
                while (r["platform"], lid) in seen:
                    lid += "1"
                seen.add((r["platform"], lid))
                r["listing_id"] = lid
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(name, len(recs))


if __name__ == "__main__":
    main()
