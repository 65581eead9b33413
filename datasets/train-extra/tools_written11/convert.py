#!/usr/bin/env python3
"""Convert hand-written compact lines (n*.txt negatives, r*.txt regulated) to listing-v1 JSONL.
Line: group | platform | title | description (' // ' = newline) | price | brand | category | seller | country
      | negatives: reason | regulated: tis | U/N | reason [| tis_alt comma-separated]
Adds only text-neutral fields: listing_id (prefix w11-), seller id (hash), currency, synthetic, label dict."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE)
PLAT = {'sp': 'shopee', 'lz': 'lazada', 'tt': 'tiktok', 'tm': 'temu', 'fb': 'facebook', 'ln': 'line', 'nc': 'nocnoc', 'ot': 'other'}
def h(s, n): return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)
def lid(p, k):
    if p == 'shopee': return f"w11-{h('s'+k, 9):09d}.{h('i'+k, 11):011d}"
    if p == 'lazada': return f"w11-i{h(k, 10):010d}-s{h('k'+k, 11):011d}"
    if p == 'tiktok': return f"w11-17{h(k, 17):017d}"
    return f"w11-{h(k, 12):012d}"
def conv(path, reg):
    out = []
    for ln, line in enumerate(open(path, encoding='utf-8'), 1):
        if not line.strip(): continue
        f = [x.strip() for x in line.rstrip('\n').split('|')]
        ok = len(f) in (12, 13) if reg else len(f) == 10
        if not ok: sys.exit(f"{path}:{ln}: {len(f)} fields")
        g, p, title, desc, price, brand, cat, seller, cc = f[:9]
        plat = PLAT[p]; key = f"{os.path.basename(path)}:{ln}:{title}"
        r = {'platform': plat, 'listing_id': lid(plat, key), 'title': title}
        if desc: r['description'] = desc.replace(' // ', '\n')
        r['price'] = float(price) if '.' in price else int(price); r['currency'] = 'THB'
        if brand: r['brand'] = brand
        r['platform_category'] = cat
        r['seller'] = {'id': f"{plat[:2]}{h('seller'+seller, 10):010d}", 'name': seller, 'country': cc}
        r['synthetic'] = True
        if reg:
            lab = {'regulated': True, 'tis': f[9] or None, 'verdict': {'U': 'unverified', 'N': 'non_compliant'}[f[10]], 'reason': f[11], 'group': g}
            if len(f) == 13 and f[12]: lab['tis_alt'] = [x.strip() for x in f[12].split(',')]
        else:
            lab = {'regulated': False, 'tis': None, 'verdict': 'not_regulated', 'reason': f[9], 'group': g}
        r['label'] = lab; out.append(r)
    return out
for pat, reg, fn in (('n*.txt', False, 'listings_written11_negatives.jsonl'), ('r*.txt', True, 'listings_written11_regulated.jsonl')):
    recs = [r for p in sorted(glob.glob(os.path.join(HERE, pat))) for r in conv(p, reg)]
    with open(os.path.join(OUT, fn), 'w', encoding='utf-8') as fh:
        for r in recs: fh.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(fn, len(recs))
