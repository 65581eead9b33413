import hashlib, json, sys, glob, os
here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.dirname(here)
neg, reg, dropped = [], [], []
def lid(platform, key):
    h = int(hashlib.sha1(key.encode()).hexdigest(), 16)
    if platform == "shopee": return "w12-%d.%d" % (h % 10**9, (h >> 40) % 10**11)
    if platform == "lazada": return "w12-i%d" % (h % 10**10)
    if platform == "tiktok": return "w12-17%d" % (h % 10**17)
    return "w12-%s" % hex(h)[2:14]
for fn in sorted(glob.glob(os.path.join(here, "src_*.txt"))):
    for n, line in enumerate(open(fn, encoding="utf-8")):
        line = line.rstrip("\n")
        if not line.strip(): continue
        f = line.split("|")
        if len(f) < 12: sys.exit("bad line %s:%d %r" % (fn, n, line))
        g, plat, title, desc, price, brand, cat, seller, cc, tis, verdict, reason = f[:12]
        alt = [a for a in f[12:] if a]
        if g.startswith("neg"):
            reason = f[-1]; alt = []  # negatives: label fields are empty, reason is last
        rec = {"platform": plat, "listing_id": lid(plat, fn + str(n) + title), "title": title}
        if desc: rec["description"] = desc.replace("\\n", "\n")
        rec["price"] = float(price) if "." in price else int(price)
        rec["currency"] = "THB"
        if brand: rec["brand"] = brand
        rec["platform_category"] = cat
        rec["seller"] = {"id": "s-" + hashlib.sha1(seller.encode()).hexdigest()[:10], "name": seller, "country": cc}
        rec["synthetic"] = True
        if g.startswith("neg"):
            if reason.startswith("uncertain"):
                dropped.append(title); continue
            rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": reason, "group": g}
            neg.append(rec)
        else:
            rec["label"] = {"regulated": True, "tis": tis or None, "verdict": verdict, "reason": reason, "group": g}
            if alt: rec["label"]["tis_alt"] = alt
            reg.append(rec)
for name, rows in (("listings_written12_negatives.jsonl", neg), ("listings_written12_regulated.jsonl", reg)):
    with open(os.path.join(out_dir, name), "w", encoding="utf-8") as o:
        for r in rows: o.write(json.dumps(r, ensure_ascii=False) + "\n")
print("neg", len(neg), "reg", len(reg), "dropped uncertain negatives", len(dropped))
