#!/usr/bin/env python3
"""Convert writer-3A compact hand-written lines to listing-v1 JSONL.
Adds only non-text fields: listing_id, seller.id (hash of seller name), currency, synthetic, label."""
import hashlib, json, sys, glob, os
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {'s': 'shopee', 'l': 'lazada', 't': 'tiktok', 'm': 'temu', 'n': 'line', 'c': 'nocnoc', 'o': 'other'}

def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def listing_id(plat, key):
    if plat == 'shopee':
        return f"hn3a-{h('shop'+key, 9)}.{h(key, 11)}"
    if plat == 'lazada':
        return f"hn3a-i{h(key, 10)}-s{h('sku'+key, 11)}"
    if plat == 'tiktok':
        return f"hn3a-17{h(key, 17):017d}"
    if plat == 'temu':
        return f"hn3a-6010{h(key, 11):011d}"
    if plat == 'line':
        return f"hn3a-{hashlib.sha1(key.encode()).hexdigest()[:16]}"
    if plat == 'nocnoc':
        return f"hn3a-{h(key, 8)}"
    return f"hn3a-o{h(key, 10)}"

def seller_id(name, plat):
    return f"hn3a-seller-{plat}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"

def parse(files, regulated):
    recs = []
    for f in files:
        group = None; dreason = None
        for ln, line in enumerate(open(f, encoding='utf-8'), 1):
            line = line.rstrip('\n')
            if not line.strip():
                continue
            if line.startswith('@'):
                parts = line[1:].split(' ;; ')
                group = parts[0].strip(); dreason = parts[1].strip() if len(parts) > 1 else None
                continue
            p = line.split('|')
            n_base = 8
            if regulated:
                if len(p) not in (11, 12):
                    sys.exit(f'{f}:{ln}: expected 11-12 fields, got {len(p)}')
            elif len(p) not in (8, 9):
                sys.exit(f'{f}:{ln}: expected 8-9 fields, got {len(p)}')
            pl, title, desc, price, brand, cat, seller, cc = p[:8]
            plat = PLAT[pl]
            rec = {
                'platform': plat,
                'listing_id': listing_id(plat, title),
                'title': title,
                'description': desc.replace('\\n', '\n'),
                'price': float(price) if '.' in price else int(price),
                'currency': 'THB',
                'brand': brand,
                'platform_category': cat,
                'seller': {'id': seller_id(seller, plat), 'name': seller, 'country': cc or 'TH'},
                'synthetic': True,
            }
            if regulated:
                tis, v, reason = p[8], p[9], p[10]
                alt = [a for a in (p[11].split(';') if len(p) > 11 else []) if a]
                lab = {'regulated': True, 'tis': tis or None,
                       'verdict': {'n': 'non_compliant', 'u': 'unverified'}[v],
                       'reason': reason, 'group': group}
                if alt:
                    lab['tis_alt'] = alt
            else:
                reason = p[8] if len(p) > 8 and p[8] else dreason
                lab = {'regulated': False, 'tis': None, 'verdict': 'not_regulated',
                       'reason': reason, 'group': group}
            rec['label'] = lab
            recs.append(rec)
    return recs

def load_desc():
    # desc*.txt: "title substring||description||optional platform code" (hand-written descriptions
    # and platform moves added in a second pass)
    d = []
    for f in sorted(glob.glob(os.path.join(HERE, 'desc*.txt'))):
        for ln, line in enumerate(open(f, encoding='utf-8'), 1):
            line = line.rstrip('\n')
            if not line.strip():
                continue
            p = line.split('||')
            d.append((f'{f}:{ln}', p[0], p[1].replace('\\n', '\n'), p[2] if len(p) > 2 and p[2] else None))
    return d

def apply_desc(recs, d):
    for where, key, desc, plat in d:
        hits = [r for r in recs if key in r['title']]
        if len(hits) != 1:
            sys.exit(f'{where}: key {key!r} matched {len(hits)} titles')
        r = hits[0]
        if r['description']:
            sys.exit(f'{where}: {key!r} already has a description')
        r['description'] = desc
        if plat:
            assert plat in PLAT.values(), plat
            r['platform'] = plat
            r['listing_id'] = listing_id(plat, r['title'])
            r['seller']['id'] = seller_id(r['seller']['name'], plat)

def main():
    neg = parse(sorted(glob.glob(os.path.join(HERE, 'neg*.txt'))), False)
    reg = parse(sorted(glob.glob(os.path.join(HERE, 'reg*.txt'))), True)
    apply_desc(neg + reg, load_desc())
    for name, recs in (('part_a_negatives.jsonl', neg), ('part_a_regulated.jsonl', reg)):
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fo:
            for r in recs:
                fo.write(json.dumps(r, ensure_ascii=False) + '\n')
        print(name, len(recs))

if __name__ == '__main__':
    main()
