#!/usr/bin/env python3
"""Convert writer-6 compact hand-written lines into listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id (hash), currency, synthetic, label."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
GROUPS = {'O': 'w6_ordinary', 'A': 'w6_accessory', 'W': 'w6_word_trap', 'R': 'w6_regulated_everyday'}

def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def listing_id(platform, key):
    if platform == 'shopee':
        return f"w6-{h('sh'+key, 11):011d}"
    if platform == 'lazada':
        return f"w6-i{h('lz'+key, 10):010d}-s{h('lzs'+key, 11):011d}"
    if platform == 'tiktok':
        return f"w6-17{h('tt'+key, 17):017d}"
    if platform == 'temu':
        return f"w6-6010{h('tm'+key, 11):011d}"
    if platform == 'line':
        return f"w6-ln{hashlib.md5(key.encode()).hexdigest()[:10]}"
    if platform == 'facebook':
        return f"w6-fb{h('fb'+key, 15):015d}"
    if platform == 'nocnoc':
        return f"w6-NN{h('nn'+key, 8):08d}"
    return f"w6-x{h('x'+key, 12):012d}"

def parse(path):
    recs = []
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'):
            continue
        f = line.split('|')
        g = f[0]
        if g == 'R':
            if len(f) != 13:
                sys.exit(f'{path}:{n}: expected 13 fields, got {len(f)}')
            _, plat, title, desc, price, brand, cat, seller, cc, tis, verdict, reason, alt = f
        else:
            if len(f) != 10:
                sys.exit(f'{path}:{n}: expected 10 fields, got {len(f)}')
            _, plat, title, desc, price, brand, cat, seller, cc, reason = f
        rec = {
            'platform': plat,
            'listing_id': listing_id(plat, f'{path}:{title}'),
            'title': title,
            'description': desc.replace('\\n', '\n'),
        }
        if price.strip():
            rec['price'] = float(price) if '.' in price else int(price)
        rec['currency'] = 'THB'
        rec['brand'] = brand
        rec['platform_category'] = cat
        rec['seller'] = {'id': f"w6s-{h('seller'+seller, 10):010d}", 'name': seller, 'country': cc}
        rec['synthetic'] = True
        if g == 'R':
            lab = {'regulated': True, 'tis': tis, 'verdict': verdict, 'reason': reason, 'group': GROUPS[g]}
            alts = [a for a in alt.split(';') if a.strip()]
            if alts:
                lab['tis_alt'] = alts
        else:
            lab = {'regulated': False, 'tis': None, 'verdict': 'not_regulated', 'reason': reason, 'group': GROUPS[g]}
        rec['label'] = lab
        recs.append(rec)
    return recs

neg, reg = [], []
for p in sorted(glob.glob(os.path.join(HERE, 'neg_*.txt'))):
    neg += parse(p)
for p in sorted(glob.glob(os.path.join(HERE, 'reg_*.txt'))):
    reg += parse(p)
for name, recs in (('listings_written6_negatives.jsonl', neg), ('listings_written6_regulated.jsonl', reg)):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(name, len(recs))
