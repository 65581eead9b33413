#!/usr/bin/env python3
"""Convert the one-line hand-written sources (src_*.txt) to listing-v1 JSONL.
Adds only non-text fields: listing_id, seller.id, currency, synthetic. Text fields are copied as written
(only the two-character escape \\n in descriptions becomes a newline)."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {"sp": "shopee", "lz": "lazada", "tt": "tiktok", "fb": "facebook", "ln": "line",
        "tm": "temu", "nc": "nocnoc", "ot": "other"}
GROUPS = {"A": "accessory_compat", "W": "word_trap", "C": "tis_claim_unregulated", "R": "regulated_partlike"}
def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)
def lid(plat, key):
    if plat == "shopee": return "hn6b-%d" % (20000000000 + h(key, 10))
    if plat == "lazada": return "hn6b-i%d" % (4000000000 + h(key, 9))
    if plat == "tiktok": return "hn6b-17%017d" % h(key, 17)
    if plat == "facebook": return "hn6b-%d" % (1000000000000000 + h(key, 15))
    if plat == "temu": return "hn6b-6010%011d" % h(key, 11)
    if plat == "line": return "hn6b-%s" % hashlib.sha1(key.encode()).hexdigest()[:12]
    if plat == "nocnoc": return "hn6b-%d" % (100000 + h(key, 6))
    return "hn6b-SKU%07d" % h(key, 7)
neg, reg, seen = [], [], set()
grp = fam = None
for path in sorted(glob.glob(os.path.join(HERE, "src_*.txt"))):
    for ln_no, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"): continue
        if line.startswith("@"):
            _, g, fam = line.split(maxsplit=2); grp = GROUPS[g]; continue
        f = line.split("|")
        where = "%s:%d" % (os.path.basename(path), ln_no)
        kind = f[0]
        try:
            if kind == "N": assert len(f) == 10, len(f)
            elif kind == "R": assert len(f) in (12, 13), len(f)
            else: raise AssertionError("kind")
            plat = PLAT[f[1]]
            title, desc, price, brand, cat, seller, cc = f[2:9]
            price = float(price)
        except Exception as e:
            sys.exit("bad line %s: %r %s" % (where, line[:80], e))
        key = plat + "|" + title
        assert key not in seen, "dup title " + where
        seen.add(key)
        rec = {"platform": plat, "listing_id": lid(plat, key), "title": title.strip()}
        if desc.strip(): rec["description"] = desc.strip().replace("\\n", "\n")
        rec["price"] = price if price != int(price) else int(price)
        rec["currency"] = "THB"
        if brand.strip(): rec["brand"] = brand.strip()
        if cat.strip(): rec["platform_category"] = cat.strip()
        rec["seller"] = {"id": "s%010d" % h(plat + seller.strip(), 10), "name": seller.strip(), "country": (cc.strip() or "TH")}
        rec["synthetic"] = True
        if kind == "N":
            assert grp != "regulated_partlike", where
            rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": f[9].strip(), "group": grp, "family": fam}
            neg.append(rec)
        else:
            assert grp == "regulated_partlike", where
            v = {"u": "unverified", "n": "non_compliant"}[f[10].strip()]
            lab = {"regulated": True, "tis": f[9].strip(), "verdict": v, "reason": f[11].strip(), "group": grp, "family": fam}
            if len(f) == 13 and f[12].strip(): lab["tis_alt"] = [x.strip() for x in f[12].split(";")]
            rec["label"] = lab
            reg.append(rec)
ids = [(r["platform"], r["listing_id"]) for r in neg + reg]
assert len(ids) == len(set(ids)), "listing_id collision"
for name, rows in (("part_b_negatives.jsonl", neg), ("part_b_regulated.jsonl", reg)):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as fh:
        for r in rows: fh.write(json.dumps(r, ensure_ascii=False) + "\n")
print("negatives", len(neg), "regulated", len(reg))
