#!/usr/bin/env python3
"""Convert the compact hand-written source files (n*.txt negatives, r*.txt regulated) to listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id, currency, synthetic, label."""
import glob, hashlib, json, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {"s": "shopee", "l": "lazada", "t": "tiktok", "m": "temu", "n": "line", "c": "nocnoc", "o": "other"}
CAT = {"K": "เครื่องใช้ไฟฟ้าในครัว", "S": "เครื่องใช้ไฟฟ้าขนาดเล็ก", "H": "หมวกกันน็อค", "T": "ยางรถยนต์"}
rng = random.Random(13013)
used = set()

def lid(platform):
    while True:
        if platform == "shopee":
            x = "hn13a-%d%09d" % (rng.randint(2, 9), rng.randint(0, 10**9 - 1))
        elif platform == "lazada":
            x = "hn13a-i%d%09d" % (rng.randint(1, 9), rng.randint(0, 10**9 - 1))
        elif platform == "tiktok":
            x = "hn13a-17%017d" % rng.randint(0, 10**17 - 1)
        elif platform == "temu":
            x = "hn13a-601%012d" % rng.randint(0, 10**12 - 1)
        else:
            x = "hn13a-%s%08d" % (platform[:2], rng.randint(0, 10**8 - 1))
        if x not in used:
            used.add(x)
            return x

def sid(platform, name):
    h = int(hashlib.sha1(("hn13a|" + name).encode()).hexdigest(), 16)
    return "hn13a-s%d" % (h % 10**9)

def convert(kind):
    recs = []
    for fn in sorted(glob.glob(os.path.join(HERE, kind + "*.txt"))):
        hdr = None
        for ln, line in enumerate(open(fn, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("@"):
                parts = line[3:].split("|")
                hdr = (line[1], parts)
                continue
            f = line.split("|")
            want = 8 if kind == "n" else 9
            if len(f) != want:
                sys.exit("%s:%d: %d fields, want %d: %s" % (fn, ln, len(f), want, line))
            p, title, desc, price, brand, cat, seller, cc = f[:8]
            platform = PLAT[p]
            rec = {
                "platform": platform,
                "listing_id": lid(platform),
                "title": title.strip(),
                "description": desc.replace("¶", "\n").strip(),
                "price": float(price) if "." in price else int(price),
                "currency": "THB",
                "brand": brand,
                "platform_category": CAT.get(cat, cat),
                "seller": {"id": sid(platform, seller), "name": seller, "country": cc},
                "synthetic": True,
            }
            if kind == "n":
                assert hdr[0] == "N", fn
                group, reason = hdr[1][0], hdr[1][1]
                rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": reason, "group": group}
            else:
                assert hdr[0] == "R", fn
                group, tis, reason = hdr[1][0], hdr[1][1], hdr[1][2]
                alt = [a.strip() for a in hdr[1][3].split(",") if a.strip()] if len(hdr[1]) > 3 else []
                v = {"U": "unverified", "N": "non_compliant"}[f[8]]
                lab = {"regulated": True, "tis": tis, "verdict": v,
                       "reason": reason + ("; listing claims TIS/มอก. conformity but shows no licence number" if v == "unverified" else "; no TIS evidence shown"),
                       "group": group}
                if alt:
                    lab["tis_alt"] = alt
                rec["label"] = lab
            recs.append(rec)
    return recs

neg = convert("n")
reg = convert("r")
# hand-written descriptions kept in d*.txt as "unique title substring|description" (added to title-only records)
allr = neg + reg
bad = []
for fn in sorted(glob.glob(os.path.join(HERE, "d*.txt"))):
    for line in open(fn, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        key, desc = line.split("|", 1)
        hits = [r for r in allr if key in r["title"]]
        if len(hits) != 1:
            bad.append("%s: %d hits: %s" % (os.path.basename(fn), len(hits), key))
            continue
        if not hits[0]["description"]:
            hits[0]["description"] = desc.replace("¶", "\n").strip()
if bad:
    sys.exit("\n".join(bad))
for name, recs in (("part_a_negatives.jsonl", neg), ("part_a_regulated.jsonl", reg)):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
print("negatives", len(neg), "regulated", len(reg))
