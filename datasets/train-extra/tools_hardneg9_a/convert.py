#!/usr/bin/env python3
"""Convert hand-written one-line sources (src/*.txt) to listing-v1 JSONL.
Line format:  plat | title | description | price | brand | platform_category | seller name | country | label
  label:  N; reason          or   R; tis; V|U; reason [; alt1, alt2]
  '@group NAME' sets the group for following lines; '#' starts a comment line.
  In description, a literal \\n is a line break. Only fields that do not change text are added."""
import glob, hashlib, json, os, sys
PLAT = {'s': 'shopee', 'l': 'lazada', 't': 'tiktok', 'line': 'line', 'nocnoc': 'nocnoc', 'temu': 'temu', 'o': 'other'}
def h(s, n):
    return int(hashlib.sha1(s.encode()).hexdigest(), 16) % (10 ** n)
def lid(plat, title, k):
    x = title + '#' + str(k)
    if plat == 'shopee': return 'hn9a-%d.%d' % (h('S' + x, 9), 10 ** 10 + h('I' + x, 10))
    if plat == 'lazada': return 'hn9a-i%d-s%d' % (10 ** 9 + h('L' + x, 9), 10 ** 10 + h('K' + x, 10))
    if plat == 'tiktok': return 'hn9a-17%d' % (10 ** 16 + h('T' + x, 16))
    if plat == 'temu': return 'hn9a-6010%d' % (10 ** 10 + h('U' + x, 10))
    if plat == 'nocnoc': return 'hn9a-NC%d' % (10 ** 7 + h('N' + x, 7))
    if plat == 'line': return 'hn9a-ln%s' % hashlib.sha1(x.encode()).hexdigest()[:12]
    return 'hn9a-o%d' % h('O' + x, 10)
def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.dirname(here)
    neg, reg, seen = [], [], set()
    for fn in sorted(glob.glob(os.path.join(here, 'src', '*.txt'))):
        group = None
        for ln, line in enumerate(open(fn, encoding='utf-8'), 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'): continue
            if line.startswith('@group'):
                group = line.split(None, 1)[1].strip(); continue
            f = [x.strip() for x in line.split('|')]
            if len(f) != 9: sys.exit('%s:%d: %d fields' % (fn, ln, len(f)))
            p, title, desc, price, brand, cat, seller, cc, lab = f
            plat = PLAT.get(p, p)
            k = 0
            while True:
                i = lid(plat, title, k)
                if (plat, i) not in seen: break
                k += 1
            seen.add((plat, i))
            rec = {'platform': plat, 'listing_id': i, 'title': title,
                   'description': desc.replace('\\n', '\n'), 'price': float(price) if '.' in price else int(price),
                   'currency': 'THB', 'brand': brand, 'platform_category': cat,
                   'seller': {'id': 'sel-%08x' % h('seller:' + seller, 9), 'name': seller, 'country': cc or 'TH'},
                   'synthetic': True}
            L = [x.strip() for x in lab.split(';')]
            if L[0] == 'N':
                rec['label'] = {'regulated': False, 'tis': None, 'verdict': 'not_regulated', 'reason': L[1], 'group': group}
                neg.append(rec)
            elif L[0] == 'R':
                v = {'V': 'non_compliant', 'U': 'unverified'}[L[2]]
                rec['label'] = {'regulated': True, 'tis': L[1] or None, 'verdict': v, 'reason': L[3], 'group': group}
                if len(L) > 4 and L[4]:
                    rec['label']['tis_alt'] = [a.strip() for a in L[4].split(',')]
                reg.append(rec)
            else:
                sys.exit('%s:%d: bad label %r' % (fn, ln, lab))
    for name, rows in (('part_a_negatives.jsonl', neg), ('part_a_regulated.jsonl', reg)):
        with open(os.path.join(out, name), 'w', encoding='utf-8') as fh:
            for r in rows: fh.write(json.dumps(r, ensure_ascii=False) + '\n')
    print('negatives', len(neg), 'regulated', len(reg))
main()
