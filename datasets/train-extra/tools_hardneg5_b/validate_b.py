#!/usr/bin/env python3
"""Own validator for listing-v1 records (no tisguard import) + label shape + TIS numbers vs statistics file
+ near-duplicate titles (difflib ratio > 0.85) across both part-B files."""
import csv, difflib, json, os, re, sys
OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATS = '/work/shared/data/tisi_licence_stats_2025_11.csv'
known = set()
for row in csv.DictReader(open(STATS, encoding='utf-8')):
    known.add(re.sub(r'-\d{4}$', '', row['เลขที่ มอก.']).strip())
errs = []
def err(m): errs.append(m)
recs = []
for name in ('part_b_negatives.jsonl', 'part_b_regulated.jsonl'):
    for i, line in enumerate(open(os.path.join(OUT, name), encoding='utf-8'), 1):
        r = json.loads(line); recs.append((name, i, r))
        w = f'{name}:{i}'
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict)):
            if not isinstance(r.get(k), t): err(f'{w} {k} missing/type')
        if not re.fullmatch(r'[a-z]+', r.get('platform', '')): err(f'{w} platform slug')
        if not r['listing_id'].startswith('hn5b-'): err(f'{w} prefix')
        if not r['title'].strip(): err(f'{w} empty title')
        for k in ('description', 'brand', 'platform_category', 'currency'):
            if k in r and not isinstance(r[k], str): err(f'{w} {k} type')
        if 'price' in r and (not isinstance(r['price'], (int, float)) or isinstance(r['price'], bool) or r['price'] < 0): err(f'{w} price')
        if r.get('currency') != 'THB': err(f'{w} currency')
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: err(f'{w} seller.id')
        if not re.fullmatch(r'[A-Z]{2}', s.get('country', '')): err(f'{w} seller.country')
        if r.get('synthetic') is not True: err(f'{w} synthetic')
        lab = r.get('label') or {}
        if name.startswith('part_b_neg'):
            if lab != {**lab, 'regulated': False, 'tis': None, 'verdict': 'not_regulated'}: err(f'{w} neg label')
        else:
            if lab.get('regulated') is not True or lab.get('verdict') not in ('non_compliant', 'unverified'): err(f'{w} reg label')
            if lab.get('tis') not in known: err(f'{w} tis {lab.get("tis")} not in stats')
            for a in lab.get('tis_alt', []):
                if a not in known: err(f'{w} tis_alt {a} not in stats')
            text = r['title'] + ' ' + r.get('description', '')
            claims = bool(re.search(r'มอก|TIS', text))
            if claims != (lab['verdict'] == 'unverified'): err(f'{w} verdict/claim mismatch')
            if re.search(r'[ทน]\s?\d+-\d+/\d+', text): err(f'{w} looks like licence number')
        if not isinstance(lab.get('reason'), str) or not lab.get('group'): err(f'{w} reason/group')
# near duplicates
titles = [(f'{n}:{i}', r['title']) for n, i, r in recs]
dups = []
for a in range(len(titles)):
    sm = difflib.SequenceMatcher(None, titles[a][1])
    for b in range(a + 1, len(titles)):
        sm.set_seq1(titles[b][1]) if False else None
        s2 = difflib.SequenceMatcher(None, titles[a][1], titles[b][1])
        if s2.real_quick_ratio() > 0.85 and s2.quick_ratio() > 0.85 and s2.ratio() > 0.85:
            dups.append((titles[a], titles[b], round(s2.ratio(), 3)))
for d in dups: err(f'near-dup {d}')
print('\n'.join(errs) if errs else 'OK')
print(len(recs), 'records;', len(dups), 'near-dups')
sys.exit(1 if errs else 0)
