#!/usr/bin/env python3
"""Convert the hand-written one-line sources (src_*.txt) of part B into listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id, currency, synthetic.
Source line format (fields separated by '|', ' // ' inside a description = line break):
  negative:  plat | title | desc | price | brand | seller | cc | reason? | category?
  regulated: R plat | title | desc | price | brand | seller | cc | tis | u/n | reason | category? | alt1; alt2
  @g group   @c default category   @r default reason (negatives)
"""
import glob, hashlib, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {'s': 'shopee', 'l': 'lazada', 't': 'tiktok', 'm': 'temu', 'n': 'line', 'c': 'nocnoc', 'o': 'other'}
PREFIX = 'hn9b-'

def h(s, n=16):
    return int(hashlib.sha1(s.encode('utf-8')).hexdigest(), 16) % (10 ** n)

def listing_id(plat, key, used):
    salt = 0
    while True:
        k = f'{key}#{salt}'
        if plat == 'shopee':
            lid = f'{PREFIX}{h(k, 11):011d}'
        elif plat == 'lazada':
            lid = f'{PREFIX}i{h(k, 10):010d}'
        elif plat == 'tiktok':
            lid = f'{PREFIX}17{h(k, 17):017d}'
        elif plat == 'temu':
            lid = f'{PREFIX}6010{h(k, 11):011d}'
        elif plat == 'line':
            lid = f'{PREFIX}L{h(k, 9):09d}'
        elif plat == 'nocnoc':
            lid = f'{PREFIX}NN{h(k, 8):08d}'
        else:
            lid = f'{PREFIX}x{h(k, 8):08d}'
        if (plat, lid) not in used:
            used.add((plat, lid))
            return lid
        salt += 1

def seller_id(name):
    return 'sb' + hashlib.sha1(name.encode('utf-8')).hexdigest()[:10]

def price(s):
    v = float(s)
    return int(v) if v.is_integer() else v

def main():
    used = set()
    neg, reg = [], []
    for path in sorted(glob.glob(os.path.join(HERE, 'src_*.txt'))):
        group = cat = reason = None
        for ln, raw in enumerate(open(path, encoding='utf-8'), 1):
            line = raw.rstrip('\n')
            if not line.strip():
                continue
            if line.startswith('@g '):
                group = line[3:].strip(); continue
            if line.startswith('@c '):
                cat = line[3:].strip(); continue
            if line.startswith('@r '):
                reason = line[3:].strip(); continue
            is_reg = line.startswith('R ')
            body = line[2:] if is_reg else line
            f = [x.strip() for x in body.split('|')]
            where = f'{os.path.basename(path)}:{ln}'
            try:
                plat = PLAT[f[0]]
                title, desc, pr, brand, seller, cc = f[1], f[2], f[3], f[4], f[5], f[6] or 'TH'
                rec = {
                    'platform': plat,
                    'listing_id': listing_id(plat, f'{plat}|{title}', used),
                    'title': title,
                    'description': desc.replace(' // ', '\n'),
                    'price': price(pr),
                    'currency': 'THB',
                    'brand': brand,
                    'platform_category': None,
                    'seller': {'id': seller_id(seller), 'name': seller, 'country': cc},
                    'synthetic': True,
                }
                if is_reg:
                    tis, v, rsn = f[7], f[8], f[9]
                    rcat = f[10] if len(f) > 10 and f[10] else cat
                    alt = [a.strip() for a in f[11].split(';')] if len(f) > 11 and f[11] else []
                    rec['platform_category'] = rcat
                    lab = {'regulated': True, 'tis': tis or None,
                           'verdict': {'u': 'unverified', 'n': 'non_compliant'}[v],
                           'reason': rsn, 'group': group}
                    if alt:
                        lab['tis_alt'] = alt
                    rec['label'] = lab
                    reg.append(rec)
                else:
                    rsn = f[7] if len(f) > 7 and f[7] else reason
                    rcat = f[8] if len(f) > 8 and f[8] else cat
                    rec['platform_category'] = rcat
                    rec['label'] = {'regulated': False, 'tis': None, 'verdict': 'not_regulated',
                                    'reason': rsn, 'group': group}
                    neg.append(rec)
            except Exception as e:
                sys.exit(f'{where}: {e!r}: {line[:80]}')
    for name, rows in (('part_b_negatives.jsonl', neg), ('part_b_regulated.jsonl', reg)):
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(f'negatives {len(neg)}  regulated {len(reg)}')

if __name__ == '__main__':
    main()
