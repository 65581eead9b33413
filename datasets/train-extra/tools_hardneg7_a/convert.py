#!/usr/bin/env python3
"""Convert hand-written one-line sources (tools_a/neg_*.txt, tools_a/reg_*.txt) to listing-v1 JSONL.
Negative line:  group|platform|title|description|price|brand|platform_category|seller|country|reason
Regulated line: group|platform|title|description|price|brand|platform_category|seller|country|tis|v|reason|tis_alt
  v: u = unverified (claims มอก./TIS, no licence number), n = non_compliant.
'@ text' sets the default reason for following lines with an empty reason. '#' = comment.
Only non-text fields are added here: listing_id, seller id, currency, synthetic."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

def h(s, n=10):
    return int(hashlib.sha1(s.encode()).hexdigest(), 16) % (10 ** n)

def lid(platform, key):
    a, b = h('a' + key, 9), h('b' + key, 10)
    if platform == 'shopee':
        return f'hn7a-{a}.{b}'
    if platform == 'lazada':
        return f'hn7a-i{b}-s{a}'
    if platform == 'tiktok':
        return f'hn7a-17{a}{h("c"+key,8)}'
    if platform == 'temu':
        return f'hn7a-601{a}{h("d"+key,6)}'
    if platform == 'line':
        return f'hn7a-@{a:09d}-p{h("e"+key,6)}'
    if platform == 'nocnoc':
        return f'hn7a-NN{b}'
    if platform == 'facebook':
        return f'hn7a-fbm{b}{h("f"+key,5)}'
    return f'hn7a-x{b}'

def run(kind):
    recs = []
    for fn in sorted(glob.glob(os.path.join(HERE, f'{kind}_*.txt'))):
        default = ''
        for ln, line in enumerate(open(fn, encoding='utf-8'), 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            if line.startswith('@'):
                default = line[1:].strip(); continue
            p = line.split('|')
            want = 10 if kind == 'neg' else 13
            if kind == 'reg' and len(p) == 14 and p[13] == '':
                p = p[:13]  # regulated source lines end with a trailing '|'
            if len(p) != want:
                sys.exit(f'{fn}:{ln}: {len(p)} fields, want {want}: {line[:80]}')
            grp, plat, title, desc, price, brand, cat, seller, cc = [x.strip() for x in p[:9]]
            rec = {'platform': plat, 'listing_id': None, 'title': title}
            if desc:
                rec['description'] = desc.replace('\\n', '\n')
            if price:
                rec['price'] = float(price) if '.' in price else int(price)
            rec['currency'] = 'THB'
            if brand:
                rec['brand'] = brand
            if cat:
                rec['platform_category'] = cat
            rec['seller'] = {'id': f'sel{h(plat + seller, 8):08d}', 'name': seller, 'country': cc or 'TH'}
            rec['synthetic'] = True
            if kind == 'neg':
                reason = p[9].strip() or default
                rec['label'] = {'regulated': False, 'tis': None, 'verdict': 'not_regulated', 'reason': reason, 'group': grp}
            else:
                tis, v, reason, alt = [x.strip() for x in p[9:13]]
                lab = {'regulated': True, 'tis': tis or None, 'verdict': {'u': 'unverified', 'n': 'non_compliant'}[v], 'reason': reason or default or (f'product falls under TIS {tis}; listing claims TIS/มอก. conformity but shows no licence number' if v == 'u' else f'product falls under TIS {tis}; listing shows no TIS licence or mark'), 'group': grp}
                if alt:
                    lab['tis_alt'] = [a.strip() for a in alt.split(';')]
                rec['label'] = lab
            rec['listing_id'] = lid(plat, f'{kind}:{fn}:{ln}:{title}')
            recs.append(rec)
    return recs

if __name__ == '__main__':
    for kind, name in (('neg', 'part_a_negatives.jsonl'), ('reg', 'part_a_regulated.jsonl')):
        recs = run(kind)
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
            for r in recs:
                f.write(json.dumps(r, ensure_ascii=False) + '\n')
        print(name, len(recs))
