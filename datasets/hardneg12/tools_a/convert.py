#!/usr/bin/env python3
"""Convert the hand-written compact files (neg_*.txt, reg_*.txt) to listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id (hash of name), currency, synthetic, label."""
import glob, hashlib, json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {'s': 'shopee', 'l': 'lazada', 't': 'tiktok', 'n': 'nocnoc', 'm': 'temu', 'i': 'line', 'o': 'other'}
PREFIX = 'hn12a-'
used = set()

def h(s, n=12):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def listing_id(plat, title, k):
    seed = f'{plat}|{title}|{k}'
    if plat == 'shopee':   lid = f'{PREFIX}{h(seed, 9) + 10**9}.{h(seed + "i", 11)}'
    elif plat == 'lazada': lid = f'{PREFIX}i{h(seed, 10)}-s{h(seed + "s", 11)}'
    elif plat == 'tiktok': lid = f'{PREFIX}17{h(seed, 17):017d}'
    elif plat == 'temu':   lid = f'{PREFIX}6010{h(seed, 11):011d}'
    elif plat == 'nocnoc': lid = f'{PREFIX}NN{h(seed, 8):08d}'
    elif plat == 'line':   lid = f'{PREFIX}{hashlib.md5(seed.encode()).hexdigest()[:24]}'
    else:                  lid = f'{PREFIX}{h(seed, 10)}'
    assert lid not in used, lid
    used.add(lid)
    return lid

def seller(name, cc):
    return {'id': 'sl-' + hashlib.sha1(name.encode()).hexdigest()[:12], 'name': name, 'country': cc}

OVR_REASON = {  # reason text when a line overrides its batch's standard
    '11 เล่ม 5': 'PVC flexible cord (VFF) up to 450/750 V', '166': 'plug / socket-outlet / plug adapter up to 250 V',
    '824': 'household installation switch (bundle with sockets)', '1693': 'instantaneous electric water heater (bundle with RCBO)',
    '956': 'double-capped fluorescent lamp', '2234': 'self-ballasted compact fluorescent lamp',
    '4 เล่ม 1': 'tungsten filament lamp', '23': 'ballast for fluorescent lamps', '183': 'glow starter for fluorescent lamps',
    '344': 'lampholder / starterholder for tubular fluorescent lamps', '2425': 'RCCB without overcurrent protection',
    '2067': 'faucet for sanitary ware (water-saving)', '2508': 'ceramic tile', '2594': 'hydraulic (mixed) cement',
    '133': 'white Portland cement', '20': 'round steel bar for reinforced concrete', '24': 'deformed steel bar for reinforced concrete',
    '1228': 'cold-formed structural steel section', '50': 'hot-dip zinc-coated steel sheet (flat/corrugated)',
    '17': 'PVC-U pipe for drinking water (blue)', '1222': 'laminated safety glass', '880': 'clear float glass',
    '1344': 'tinted float glass', '496': 'lacquer thinner', '520': 'nitrocellulose lacquer thinner',
    '882': 'portable foam fire extinguisher', '2217': 'rechargeable (secondary) portable cells/batteries',
    '27': 'LPG cylinder'}

def parse(path, kind):
    recs, hdr = [], None
    for ln, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip():
            continue
        if line.startswith('#'):
            hdr = [x.strip() for x in line[2:].split('|')]
            continue
        f = [x.strip() for x in line.split('|')]
        if kind == 'neg':
            assert len(f) == 7, (path, ln, f)
            p, title, desc, price, brand, sname, cc = f
            group, cat, reason = hdr
            label = {'regulated': False, 'tis': None, 'verdict': 'not_regulated', 'reason': reason, 'group': group}
        else:
            assert len(f) in (8, 9, 10), (path, ln, f)
            p, title, desc, price, brand, sname, cc, v = f[:8]
            group, cat, tis, reason, alt = hdr
            alts = [] if alt == '~' else alt.split(',')
            if len(f) >= 9:
                tis = f[8]
                reason = OVR_REASON.get(tis, reason)
                alts = f[9].split(',') if len(f) == 10 else []
            alts = [a for a in alts if a != tis]
            assert v in ('u', 'n'), (path, ln)
            claims = re.search(r'มอก|TIS', title + ' ' + desc) is not None
            assert claims == (v == 'u'), ('verdict/claim mismatch', path, ln, title)
            label = {'regulated': True, 'tis': tis, 'verdict': 'unverified' if v == 'u' else 'non_compliant',
                     'reason': reason + ('; claims มอก. without a licence number' if v == 'u' else '; no TIS evidence shown'),
                     'group': group}
            if alts:
                label['tis_alt'] = alts
        plat = PLAT[p]
        r = {'platform': plat, 'listing_id': listing_id(plat, title, ln), 'title': title,
             'description': desc.replace('\\n', '\n'), 'price': float(price), 'currency': 'THB',
             'brand': brand, 'platform_category': cat, 'seller': seller(sname, cc), 'synthetic': True,
             'label': label}
        recs.append(r)
    return recs

PATCH = []
for l in open(os.path.join(HERE, 'desc_patch.txt'), encoding='utf-8'):
    if l.strip():
        k, d = l.rstrip('\n').split(' :: ')
        PATCH.append((k.strip(), d.strip()))

def apply_patch(recs):
    for k, d in PATCH:
        hit = [r for r in recs if k in r['title']]
        if len(hit) != 1: continue
        r = hit[0]
        assert not r['description'], ('already has description', k)
        r['description'] = d.replace('\\n', '\n')
        if r['label']['regulated']:
            assert not re.search(r'มอก|TIS', d), k

neg = [r for f in sorted(glob.glob(os.path.join(HERE, 'neg_*.txt'))) for r in parse(f, 'neg')]
reg = [r for f in sorted(glob.glob(os.path.join(HERE, 'reg_*.txt'))) for r in parse(f, 'reg')]
allr = neg + reg
for k, _ in PATCH:
    n = sum(1 for r in allr if k in r['title'])
    assert n == 1, ('patch key matches', n, k)
apply_patch(neg); apply_patch(reg)
for name, recs in (('part_a_negatives.jsonl', neg), ('part_a_regulated.jsonl', reg)):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + '\n')
print(len(neg), 'negatives', len(reg), 'regulated')
