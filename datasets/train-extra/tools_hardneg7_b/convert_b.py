#!/usr/bin/env python3
"""Convert hand-written one-line sources (src_neg_*.txt, src_reg_*.txt) into listing-v1 JSONL.
Adds only non-text fields: listing_id, seller.id, currency, synthetic. Text is copied as written
(the two-character sequence \\n in a description becomes a newline)."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
DEF_REASON = {
 'acc': 'accessory, spare part, consumable or tool for a regulated family; not itself a product under a mandatory TIS',
 'trap': 'regulated-family word used for an unrelated product; no mandatory TIS applies',
 'claim': 'product type is not under any mandatory TIS; the มอก. claim or denial does not change that',
}
def lid(platform, key):
    h = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    if platform == 'shopee': return 'hn7b-%d' % (20000000000 + h % 9000000000)
    if platform == 'lazada': return 'hn7b-i%d' % (4000000000 + h % 900000000)
    if platform == 'tiktok': return 'hn7b-17%017d' % (h % 10**17)
    if platform == 'temu': return 'hn7b-6010%011d' % (h % 10**11)
    if platform == 'nocnoc': return 'hn7b-NN%08d' % (h % 10**8)
    if platform == 'line': return 'hn7b-L%09d' % (h % 10**9)
    return 'hn7b-x%010d' % (h % 10**10)
def sid(name): return 'hn7b-s' + hashlib.sha1(name.encode()).hexdigest()[:10]
def attrs(s):
    d = {}
    for kv in [x for x in s.split(';') if x.strip()]:
        k, v = kv.split('=', 1); d[k.strip()] = v.strip()
    return d
def rec(f, platform, title, desc, price, brand, cat, seller, cc, n):
    r = {'platform': platform, 'listing_id': lid(platform, '%s|%s|%d' % (title, seller, n)), 'title': title}
    if desc: r['description'] = desc.replace('\\n', '\n')
    if price: r['price'] = float(price)
    r['currency'] = 'THB'
    if brand: r['brand'] = brand
    if cat: r['platform_category'] = cat
    r['seller'] = {'id': sid(seller), 'name': seller, 'country': cc or 'TH'}
    r['synthetic'] = True
    return r
def main():
    seen = set(); n = 0
    for kind in ('neg', 'reg'):
        out = []
        for fn in sorted(glob.glob(os.path.join(HERE, 'src_%s_*.txt' % kind))):
            for ln, line in enumerate(open(fn, encoding='utf-8'), 1):
                line = line.rstrip('\n')
                if not line.strip() or line.startswith('#'): continue
                p = line.split('|'); n += 1
                try:
                    if kind == 'neg':
                        if len(p) == 12 and p[10] == '': del p[10]   # source lines carry one spare empty column before attrs
                        p += [''] * (11 - len(p))
                        if len(p) != 11: raise ValueError('fields %d' % len(p))
                        g, pl, t, d, pr, b, c, s, cc, reason, at = p
                        r = rec(fn, pl, t, d, pr, b, c, s, cc, n)
                        a = attrs(at)
                        if a: r['attributes'] = a
                        r['label'] = {'regulated': False, 'tis': None, 'verdict': 'not_regulated',
                                      'reason': reason or DEF_REASON[g.split('-')[0]], 'group': g}
                    else:
                        if len(p) == 15 and p[14] == '': del p[14]   # trailing spare empty column
                        p += [''] * (14 - len(p))
                        if len(p) != 14: raise ValueError('fields %d' % len(p))
                        g, pl, t, d, pr, b, c, s, cc, tis, v, alt, reason, at = p
                        r = rec(fn, pl, t, d, pr, b, c, s, cc, n)
                        a = attrs(at)
                        if a: r['attributes'] = a
                        lab = {'regulated': True, 'tis': tis or None,
                               'verdict': {'n': 'non_compliant', 'u': 'unverified'}[v],
                               'reason': reason or ('regulated product (TIS %s) sold as a part/consumable; %s' % (tis, 'claims มอก. but shows no licence number' if v == 'u' else 'no TIS evidence shown')),
                               'group': g}
                        if alt: lab['tis_alt'] = [x.strip() for x in alt.split(',')]
                        r['label'] = lab
                except Exception as e:
                    sys.exit('%s:%d: %s: %s' % (fn, ln, e, line[:80]))
                while r['listing_id'] in seen: r['listing_id'] += '1'
                seen.add(r['listing_id']); out.append(r)
        name = 'part_b_negatives.jsonl' if kind == 'neg' else 'part_b_regulated.jsonl'
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
            for r in out: fh.write(json.dumps(r, ensure_ascii=False) + '\n')
        print(name, len(out))
main()
