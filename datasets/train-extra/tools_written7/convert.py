#!/usr/bin/env python3
"""Convert the hand-written one-line records (neg_*.txt, reg_*.txt) to listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id, currency, synthetic, label shape."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {'sp': 'shopee', 'lz': 'lazada', 'tt': 'tiktok', 'ln': 'line', 'nn': 'nocnoc', 'tm': 'temu', 'ot': 'other'}

def h(s, n=12):
    return int(hashlib.sha1(s.encode('utf-8')).hexdigest(), 16) % (10 ** n)

def listing_id(plat, key):
    x = h(key, 19)
    if plat == 'shopee':
        return 'w7-%d.%d' % (x % 10**9 + 10**8, x % 10**11 + 10**10)
    if plat == 'lazada':
        return 'w7-i%d' % (x % 10**10 + 10**9)
    if plat == 'tiktok':
        return 'w7-17%017d' % (x % 10**17)
    if plat == 'temu':
        return 'w7-6010%011d' % (x % 10**11)
    return 'w7-%x' % x

def parse(path, kind):
    group, recs = None, []
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip():
            continue
        if line.startswith('#group'):
            group = line[len('#group'):].split('|')[0].strip()
            continue
        if line.endswith(' |'):
            line += ' '
        f = [x.strip() for x in line.split(' | ')]
        want = 9 if kind == 'N' else 12
        if len(f) != want:
            sys.exit('%s:%d: %d fields, want %d: %s' % (path, n, len(f), want, line))
        plat, title, desc, price, brand, cat, seller, cc = f[:8]
        rec = {'platform': PLAT[plat], 'listing_id': None, 'title': title,
               'description': '' if desc == '-' else desc.replace(' // ', '\n').replace('//', '\n'),
               'price': float(price), 'currency': 'THB',
               'brand': 'No Brand' if brand == '-' else brand,
               'platform_category': cat,
               'seller': {'id': 's%010d' % h('seller:' + seller, 10), 'name': seller, 'country': cc},
               'synthetic': True}
        if kind == 'N':
            rec['label'] = {'regulated': False, 'tis': None, 'verdict': 'not_regulated',
                            'reason': f[8], 'group': group}
        else:
            tis, v, reason, alt = f[8], f[9], f[10], f[11]
            assert v in ('U', 'N'), (path, n)
            lab = {'regulated': True, 'tis': tis, 'verdict': 'unverified' if v == 'U' else 'non_compliant',
                   'reason': reason, 'group': group}
            if alt:
                lab['tis_alt'] = [a.strip() for a in alt.split(';') if a.strip()]
            rec['label'] = lab
        rec['listing_id'] = listing_id(rec['platform'], '%s|%s|%d' % (os.path.basename(path), title, n))
        recs.append(rec)
    return recs

def main():
    for kind, pat, out in [('N', 'neg_*.txt', 'listings_written7_negatives.jsonl'),
                           ('R', 'reg_*.txt', 'listings_written7_regulated.jsonl')]:
        recs = []
        for p in sorted(glob.glob(os.path.join(HERE, pat))):
            recs += parse(p, kind)
        with open(os.path.join(OUT, out), 'w', encoding='utf-8') as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + '\n')
        print(out, len(recs))

if __name__ == '__main__':
    main()
