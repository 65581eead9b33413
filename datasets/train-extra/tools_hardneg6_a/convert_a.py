#!/usr/bin/env python3
"""Convert hand-written one-line sources (src_*.txt) to listing-v1 JSONL.
Line format: group|platform|title|description|price|brand|category|seller|country|tis|verdict|reason[|tis_alt;tis_alt]
Blank tis => negative. '\\n' in description => newline. Adds only non-text fields
(listing_id, seller.id, currency, synthetic)."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)
def lid(platform, title, k):
    x = h(platform + title + str(k), 19)
    if platform == 'shopee': return 'hn6a-%d' % (20000000000 + x % 9000000000)
    if platform == 'lazada': return 'hn6a-i%d-s%d' % (3000000000 + x % 900000000, 10000000000 + x % 7000000000)
    if platform == 'tiktok': return 'hn6a-17%017d' % (x % 10**17)
    if platform == 'temu': return 'hn6a-60%013d' % (x % 10**13)
    if platform == 'facebook': return 'hn6a-%d' % (1000000000000000 + x % 10**15)
    if platform == 'line': return 'hn6a-%012x' % (x % 16**12)
    if platform == 'jdcentral': return 'hn6a-%d' % (100000000 + x % 900000000)
    if platform == 'nocnoc': return 'hn6a-%d' % (10000000 + x % 90000000)
    if platform == 'kaidee': return 'hn6a-%d' % (200000000 + x % 700000000)
    return 'hn6a-%d' % x
neg, reg, seen = [], [], set()
for path in sorted(glob.glob(os.path.join(HERE, 'src_*.txt'))):
    for ln, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'): continue
        f = line.split('|')
        if len(f) not in (12, 13):
            sys.exit('%s:%d: %d fields: %s' % (path, ln, len(f), line[:80]))
        g, plat, title, desc, price, brand, cat, seller, country, tis, verdict, reason = [x.strip() for x in f[:12]]
        k = 0
        while True:
            i = lid(plat, title, k)
            if (plat, i) not in seen: break
            k += 1
        seen.add((plat, i))
        rec = {'platform': plat, 'listing_id': i, 'title': title}
        if desc: rec['description'] = desc.replace('\\n', '\n')
        if price: rec['price'] = float(price) if '.' in price else int(price)
        rec['currency'] = 'THB'
        if brand: rec['brand'] = brand
        if cat: rec['platform_category'] = cat
        rec['seller'] = {'id': 's' + hashlib.sha1(seller.encode()).hexdigest()[:10], 'name': seller, 'country': country or 'TH'}
        rec['synthetic'] = True
        if tis:
            lab = {'regulated': True, 'tis': None if tis == 'null' else tis, 'verdict': verdict, 'reason': reason, 'group': g}
            if len(f) == 13 and f[12].strip(): lab['tis_alt'] = [x.strip() for x in f[12].split(';')]
            rec['label'] = lab; reg.append(rec)
        else:
            rec['label'] = {'regulated': False, 'tis': None, 'verdict': 'not_regulated', 'reason': reason, 'group': g}
            neg.append(rec)
for name, rows in (('part_a_negatives.jsonl', neg), ('part_a_regulated.jsonl', reg)):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
        for r in rows: fh.write(json.dumps(r, ensure_ascii=False) + '\n')
print('negatives', len(neg), 'regulated', len(reg))
