#!/usr/bin/env python3
"""Convert hand-written compact lines (raw_n*.txt, raw_r*.txt) into listing-v1 JSONL.
Adds only non-text fields: listing_id, seller id, currency, synthetic flag. Titles/descriptions untouched
(except the literal \\n marker turned into a newline)."""
import glob, hashlib, json, sys, os
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {'sp': 'shopee', 'lz': 'lazada', 'tt': 'tiktok', 'tm': 'temu', 'temu': 'temu', 'line': 'line',
        'ln': 'line', 'nn': 'nocnoc', 'fb': 'other', 'other': 'other'}

def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def lid(platform, key, i):
    x = h(key + str(i), 18)
    if platform == 'shopee':
        return f"hn10b-{x % 10**9}.{h(key,11)}"
    if platform == 'lazada':
        return f"hn10b-i{h(key,10)}-s{x % 10**11}"
    if platform == 'tiktok':
        return f"hn10b-17{x % 10**17:017d}"
    if platform == 'temu':
        return f"hn10b-6010{x % 10**11:011d}"
    if platform == 'nocnoc':
        return f"hn10b-NN{x % 10**8:08d}"
    if platform == 'line':
        return f"hn10b-ln-{x % 10**10:010d}"
    return f"hn10b-fb-{x % 10**15:015d}"

def rows(pattern, regulated):
    out = []
    for fn in sorted(glob.glob(os.path.join(HERE, pattern))):
        for ln, line in enumerate(open(fn, encoding='utf-8'), 1):
            line = line.rstrip('\n')
            if not line.strip():
                continue
            f = line.split('|')
            want = 13 if regulated else 10
            if len(f) != want:
                sys.exit(f"{fn}:{ln}: {len(f)} fields, want {want}: {line}")
            out.append((os.path.basename(fn), ln, f))
    return out

def build(items, regulated):
    recs = []
    for i, (fn, ln, f) in enumerate(items):
        group, p, title, desc, price, brand, cat, seller, cc = f[:9]
        platform = PLAT[p]
        r = {"platform": platform, "listing_id": lid(platform, title + seller, i), "title": title}
        if desc:
            r["description"] = desc.replace('\\n', '\n')
        if price:
            r["price"] = float(price) if '.' in price else int(price)
        r["currency"] = "THB"
        if brand:
            r["brand"] = brand
        if cat:
            r["platform_category"] = cat
        r["seller"] = {"id": f"s{h(seller, 9):09d}", "name": seller, "country": cc}
        r["synthetic"] = True
        if regulated:
            tis, v, reason, alt = f[9:13]
            lab = {"regulated": True, "tis": tis or None,
                   "verdict": {"N": "non_compliant", "U": "unverified"}[v],
                   "reason": reason, "group": group}
            if alt:
                lab["tis_alt"] = alt.split(';')
        else:
            lab = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": f[9], "group": group}
        r["label"] = lab
        recs.append(r)
    return recs

if __name__ == '__main__':
    for pat, reg, name in (('raw_n*.txt', False, 'part_b_negatives.jsonl'), ('raw_r*.txt', True, 'part_b_regulated.jsonl')):
        recs = build(rows(pat, reg), reg)
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + '\n')
        print(name, len(recs))
