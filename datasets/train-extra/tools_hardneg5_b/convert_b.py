#!/usr/bin/env python3
"""Convert writer-5B's hand-written compact batches (n*/t*/c* negatives, r* regulated) into listing-v1 JSONL.
Adds only fields that do not change the text: listing_id (platform-shaped, prefix hn5b-), seller id (hash of
seller name), currency THB, synthetic true. ' // ' in the description column becomes a newline."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def listing_id(platform, key):
    if platform == 'shopee':
        return f"hn5b-{100000000 + h('s' + key, 8) % 900000000}.{10000000000 + h('i' + key, 10)}"
    if platform == 'lazada':
        return f"hn5b-i{1000000000 + h('i' + key, 9)}-s{10000000000 + h('s' + key, 10)}"
    if platform == 'tiktok':
        return f"hn5b-17{h(key, 17):017d}"
    if platform == 'temu':
        return f"hn5b-601{h(key, 12):012d}"
    if platform == 'nocnoc':
        return f"hn5b-NN{h(key, 8):08d}"
    if platform == 'line':
        return f"hn5b-line{h(key, 10):010d}"
    return f"hn5b-{h(key, 12):012d}"

def conv(path, regulated):
    recs = []
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip():
            continue
        f = line.split('|')
        if regulated:
            assert len(f) in (13, 14), (path, n, len(f), line)
            group, plat, title, desc, price, brand, cat, seller, cc, tis, verdict, reason, alt = f[:13]
        else:
            assert len(f) == 10, (path, n, len(f), line)
            group, plat, title, desc, price, brand, cat, seller, cc, reason = f
        key = f"{os.path.basename(path)}:{n}:{title}"
        r = {"platform": plat, "listing_id": listing_id(plat, key), "title": title}
        if desc.strip():
            r["description"] = desc.replace(' // ', '\n').strip()
        r["price"] = float(price) if '.' in price else int(price)
        r["currency"] = "THB"
        r["brand"] = brand
        r["platform_category"] = cat
        r["seller"] = {"id": "sel-" + hashlib.sha1(seller.encode()).hexdigest()[:12], "name": seller, "country": cc}
        r["synthetic"] = True
        if regulated:
            assert verdict in ('non_compliant', 'unverified'), (path, n)
            lab = {"regulated": True, "tis": tis, "verdict": verdict, "reason": reason, "group": group}
            if alt.strip():
                lab["tis_alt"] = [a.strip() for a in alt.split(';') if a.strip()]
        else:
            lab = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": reason, "group": group}
        r["label"] = lab
        recs.append(r)
    return recs

neg, reg = [], []
for p in sorted(glob.glob(os.path.join(HERE, '[nct][0-9]*.txt'))):
    neg += conv(p, False)
for p in sorted(glob.glob(os.path.join(HERE, 'r[0-9]*.txt'))):
    reg += conv(p, True)
ids = [(r['platform'], r['listing_id']) for r in neg + reg]
assert len(ids) == len(set(ids)), 'duplicate ids'
for name, recs in (('part_b_negatives.jsonl', neg), ('part_b_regulated.jsonl', reg)):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + '\n')
print(len(neg), 'negatives;', len(reg), 'regulated')
