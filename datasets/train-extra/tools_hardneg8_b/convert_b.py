#!/usr/bin/env python3
"""Convert one-line sources (src/*.txt) to listing-v1 JSONL. Adds only non-text fields."""
import glob, hashlib, json, os, sys, difflib, re
H = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(H)
# line: group|platform|title|desc|price|brand|category|seller|cc|N|reason   or   ...|R|tis|u/n|reason|alt1;alt2
def lid(platform, n):
    h = int(hashlib.sha1(f"{platform}{n}".encode()).hexdigest(), 16)
    if platform == "shopee": return f"hn8b-{h%900000000+100000000}-{h%90000000000+10000000000}"
    if platform == "lazada": return f"hn8b-i{h%9000000000+1000000000}"
    if platform == "tiktok": return f"hn8b-17{h%10**17:017d}"
    if platform == "line": return f"hn8b-ln{h%10**8:08d}"
    return f"hn8b-{platform[:2]}{h%10**9:09d}"
neg, reg, n = [], [], 0
for f in sorted(glob.glob(os.path.join(H, "src", "*.txt"))):
    for ln, line in enumerate(open(f, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"): continue
        p = line.split("|")
        g, plat, title, desc, price, brand, cat, seller, cc, kind = p[:10]
        n += 1
        r = {"platform": plat, "listing_id": lid(plat, n), "title": title.strip()}
        if desc.strip(): r["description"] = desc.replace("\\n", "\n").strip()
        if price.strip(): r["price"] = float(price)
        r["currency"] = "THB"
        if brand.strip(): r["brand"] = brand.strip()
        if cat.strip(): r["platform_category"] = cat.strip()
        r["seller"] = {"id": "s" + hashlib.sha1(seller.encode()).hexdigest()[:10], "name": seller, "country": cc or "TH"}
        r["synthetic"] = True
        if kind == "N":
            assert len(p) == 11, (f, ln, len(p))
            r["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": p[10], "group": g}
            neg.append(r)
        elif kind == "R":
            assert len(p) in (13, 14), (f, ln, len(p))
            lab = {"regulated": True, "tis": p[10] or None, "verdict": {"u": "unverified", "n": "non_compliant"}[p[11]], "reason": p[12], "group": g}
            if len(p) == 14 and p[13].strip(): lab["tis_alt"] = p[13].split(";")
            r["label"] = lab; reg.append(r)
        else: raise SystemExit(f"bad kind {f}:{ln}")
for name, rows in (("part_b_negatives.jsonl", neg), ("part_b_regulated.jsonl", reg)):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as fh:
        for r in rows: fh.write(json.dumps(r, ensure_ascii=False) + "\n")
print("neg", len(neg), "reg", len(reg))
