#!/usr/bin/env python3
"""Convert the hand-written compact lines (n*.txt negatives, r*.txt regulated) into listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id, currency, synthetic, label dict."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {'sp': 'shopee', 'lz': 'lazada', 'tt': 'tiktok', 'tm': 'temu', 'fb': 'facebook',
        'ln': 'line', 'nc': 'nocnoc', 'ot': 'other'}

def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def listing_id(plat, key):
    if plat == 'shopee':
        return f"w10-{h('shop'+key, 9):09d}.{h('item'+key, 11):011d}"
    if plat == 'lazada':
        return f"w10-i{h(key, 10):010d}-s{h('sku'+key, 11):011d}"
    if plat == 'tiktok':
        return f"w10-17{h(key, 17):017d}"
    if plat == 'temu':
        return f"w10-6010{h(key, 11):011d}"
    if plat == 'facebook':
        return f"w10-{h(key, 16):016d}"
    return f"w10-{h(key, 12):012d}"

def seller_id(plat, name):
    return f"{plat[:2]}{h('seller'+name, 10):010d}"

def parse(path, regulated):
    recs = []
    for ln, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip():
            continue
        f = [x.strip() for x in line.split('|')]
        need = 12 if regulated else 10
        if len(f) not in ((need, need + 1) if regulated else (need,)):
            sys.exit(f"{path}:{ln}: {len(f)} fields: {line[:80]}")
        group, p, title, desc, price, brand, cat, seller, cc = f[:9]
        plat = PLAT[p]
        key = f"{os.path.basename(path)}:{ln}:{title}"
        r = {'platform': plat, 'listing_id': listing_id(plat, key), 'title': title}
        if desc:
            r['description'] = desc.replace('\\n', '\n')
        r['price'] = float(price) if '.' in price else int(price)
        r['currency'] = 'THB'
        if brand:
            r['brand'] = brand
        r['platform_category'] = cat
        r['seller'] = {'id': seller_id(plat, seller), 'name': seller, 'country': cc}
        r['synthetic'] = True
        if regulated:
            tis, v, reason = f[9], f[10], f[11]
            lab = {'regulated': True, 'tis': tis,
                   'verdict': {'n': 'non_compliant', 'u': 'unverified'}[v],
                   'reason': reason, 'group': group}
            if len(f) > 12 and f[12]:
                lab['tis_alt'] = [x.strip() for x in f[12].split(';')]
        else:
            lab = {'regulated': False, 'tis': None, 'verdict': 'not_regulated',
                   'reason': f[9], 'group': group}
        r['label'] = lab
        recs.append(r)
    return recs

def main():
    for prefix, reg, name in (('n', False, 'listings_written10_negatives.jsonl'),
                              ('r', True, 'listings_written10_regulated.jsonl')):
        recs = []
        for p in sorted(glob.glob(os.path.join(HERE, prefix + '[0-9]*.txt'))):
            recs += parse(p, reg)
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + '\n')
        print(name, len(recs))

if __name__ == '__main__':
    main()
