import json, hashlib, sys, glob, re
def h(s, n): return int(hashlib.sha1(s.encode()).hexdigest(), 16) % (10**n)
def lid(plat, i, title):
    x = h(title + str(i), 12)
    if plat == 'shopee': return f"hn10a-{x % 10**10 + 20000000000}"
    if plat == 'lazada': return f"hn10a-i{x % 10**10 + 3000000000}-s{x % 10**11 + 10000000000}"
    if plat == 'tiktok': return f"hn10a-17{x:012d}{i:05d}"
    if plat == 'temu': return f"hn10a-6010{x % 10**11:011d}"
    if plat == 'line': return f"hn10a-{hashlib.md5(title.encode()).hexdigest()[:10]}"
    return f"hn10a-{plat[:2]}{x % 10**9:09d}{i:03d}"
def run(kind, out):
    recs, reasons, i = [], {}, 0
    for fn in sorted(glob.glob(f'{kind}_*.txt')):
        for line in open(fn, encoding='utf-8'):
            line = line.rstrip('\n')
            if not line.strip(): continue
            if line.startswith('#R '):
                g, r = line[3:].split('=', 1); reasons[g.strip()] = r.strip(); continue
            if line.startswith('#'): continue
            f = line.split('|')
            i += 1
            g, plat, title, desc, price, brand, cat, seller, cc = [x.strip() for x in f[:9]]
            rec = {"platform": plat, "listing_id": lid(plat, i, title), "title": title}
            if desc: rec["description"] = desc.replace('\\n', '\n')
            if price: rec["price"] = float(price) if '.' in price else int(price)
            rec["currency"] = "THB"
            if brand: rec["brand"] = brand
            if cat: rec["platform_category"] = cat
            rec["seller"] = {"id": "s" + hashlib.sha1(seller.encode()).hexdigest()[:10], "name": seller, "country": cc or "TH"}
            rec["synthetic"] = True
            if kind == 'neg':
                reason = f[9].strip() if len(f) > 9 and f[9].strip() else reasons[g]
                rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": reason, "group": g}
            else:
                tis, verdict = f[9].strip(), f[10].strip()
                reason = f[11].strip() if len(f) > 11 and f[11].strip() else reasons[g]
                lab = {"regulated": True, "tis": tis or None, "verdict": verdict, "reason": reason, "group": g}
                if len(f) > 12 and f[12].strip(): lab["tis_alt"] = [t.strip() for t in f[12].split(';')]
                rec["label"] = lab
            recs.append(rec)
    with open(out, 'w', encoding='utf-8') as o:
        for r in recs: o.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(kind, len(recs))
run('neg', '../part_a_negatives.jsonl'); run('reg', '../part_a_regulated.jsonl')
