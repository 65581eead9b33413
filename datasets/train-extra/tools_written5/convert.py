#!/usr/bin/env python3
"""Convert the hand-written compact files (r*.txt regulated, n*.txt negatives) to listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id, currency, synthetic, label.
Optional desc_add.txt: 'unique title substring ¦ description' lines written by hand, merged into records without description."""
import glob, hashlib, json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

def h(s, n):
    return int(hashlib.sha1(s.encode()).hexdigest(), 16) % (10 ** n)

def listing_id(plat, title, i):
    k = f"{plat}|{title}|{i}"
    if plat == 'shopee':
        return f"w5-{2 + h(k,1)%8}{h(k+'a',10):010d}"
    if plat == 'lazada':
        return f"w5-i{4 + h(k,1)%5}{h(k+'a',9):09d}"
    if plat == 'tiktok':
        return f"w5-17{h(k+'a',17):017d}"
    if plat == 'temu':
        return f"w5-601{h(k+'a',12):012d}"
    if plat == 'line':
        return f"w5-L{h(k+'a',8):08d}"
    return f"w5-x{h(k+'a',10):010d}"

def seller_id(name):
    return 'w5s-' + hashlib.sha1(name.encode()).hexdigest()[:12]

def load_desc_add():
    p = os.path.join(HERE, 'desc_add.txt'); d = {}
    if os.path.exists(p):
        for line in open(p, encoding='utf-8'):
            line = line.rstrip('\n')
            if '¦' not in line or line.startswith('#'): continue
            t, desc = [x.strip() for x in line.split('¦', 1)]
            d[t] = desc.replace('\\n', '\n')
    return d

def parse(pattern, regulated, desc_add, used):
    recs = []
    for f in sorted(glob.glob(os.path.join(HERE, pattern))):
        head = None
        for ln, line in enumerate(open(f, encoding='utf-8'), 1):
            line = line.rstrip('\n')
            if line.startswith('#'):
                head = [x.strip() for x in line[1:].split('|')]
                continue
            if '¦' not in line: continue
            p = [x.strip() for x in line.split('¦')]
            plat, title, desc, price, brand, seller, cc = p[:7]
            flags = p[7] if len(p) > 7 else ''
            group, second, cat = head
            if not desc:
                hits = [k for k in desc_add if k in title]
                if len(hits) > 1: sys.exit(f'ambiguous desc keys {hits} for {title}')
                if hits:
                    desc = desc_add[hits[0]]; used.add(hits[0])
            rec = {"platform": plat, "listing_id": listing_id(plat, title, ln), "title": title}
            if desc: rec["description"] = desc.replace('\\n', '\n')
            rec["price"] = float(price) if '.' in price else int(price)
            rec["currency"] = "THB"
            if brand: rec["brand"] = brand
            cat_o = re.search(r'cat=([^;]+)', flags)
            rec["platform_category"] = cat_o.group(1).strip() if cat_o else cat
            rec["seller"] = {"id": seller_id(seller), "name": seller, "country": cc or "TH"}
            rec["synthetic"] = True
            if regulated:
                tis = second
                m = re.search(r'tis=(.+?)(?= alt=|$)', flags)
                if m: tis = m.group(1).strip()
                alts = [a.strip() for a in re.findall(r'alt=(.+?)(?= alt=| tis=|$)', flags)]
                unv = flags.split(' ')[0] == 'u'
                lab = {"regulated": True, "tis": tis,
                       "verdict": "unverified" if unv else "non_compliant",
                       "reason": ("claims มอก./TIS conformity but shows no licence number" if unv
                                  else "product under a mandatory TIS; listing shows no TIS mark or licence"),
                       "group": group}
                if alts: lab["tis_alt"] = alts
            else:
                lab = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": second, "group": group}
            rec["label"] = lab
            recs.append(rec)
    return recs

if __name__ == '__main__':
    da = load_desc_add(); used = set()
    reg = parse('r*.txt', True, da, used)
    neg = parse('n*.txt', False, da, used)
    unused = set(da) - used
    if unused:
        print('desc_add titles not matched:', *sorted(unused), sep='\n  ', file=sys.stderr)
    for name, recs in (('listings_written5_regulated.jsonl', reg), ('listings_written5_negatives.jsonl', neg)):
        with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
            for r in recs: fh.write(json.dumps(r, ensure_ascii=False) + '\n')
        print(name, len(recs))
