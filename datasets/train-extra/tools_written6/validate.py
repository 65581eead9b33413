#!/usr/bin/env python3
"""Own validator for writer-6 files: listing-v1 required fields/types, label shape, TIS numbers known,
unverified records claim มอก., no licence numbers, unique ids, near-duplicate titles (difflib > 0.85)."""
import csv, difflib, json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE)
FILES = ['listings_written6_negatives.jsonl', 'listings_written6_regulated.jsonl']
known = set()
for r in csv.DictReader(open('/work/shared/data/tisi_mandatory_standards.csv', encoding='utf-8')):
    known.add(r['tis_number'].strip())
for r in csv.reader(open('/work/shared/data/tisi_licence_stats_2025_11.csv', encoding='utf-8')):
    m = re.match(r'^(.*)-(\d{4})$', r[1].strip())
    if m: known.add(m.group(1).strip())
errs = []; recs = []; ids = set()
for fn in FILES:
    for i, line in enumerate(open(os.path.join(OUT, fn), encoding='utf-8'), 1):
        r = json.loads(line); recs.append(r); w = f'{fn}:{i}'
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('description', str), ('currency', str),
                     ('brand', str), ('platform_category', str), ('seller', dict), ('synthetic', bool), ('label', dict)):
            if not isinstance(r.get(k), t): errs.append(f'{w}: {k} missing/wrong type')
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): errs.append(f'{w}: price')
        if not re.fullmatch(r'[a-z]+', r['platform']): errs.append(f'{w}: platform slug')
        if not r['listing_id'].startswith('w6-'): errs.append(f'{w}: id prefix')
        if (r['platform'], r['listing_id']) in ids: errs.append(f'{w}: dup id')
        ids.add((r['platform'], r['listing_id']))
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s.get('name') or not re.fullmatch(r'[A-Z]{2}', s.get('country', '')):
            errs.append(f'{w}: seller')
        if not r['title'].strip(): errs.append(f'{w}: empty title')
        L = r['label']
        if L.get('verdict') not in ('not_regulated', 'non_compliant', 'unverified'): errs.append(f'{w}: verdict')
        if not L.get('reason') or not L.get('group'): errs.append(f'{w}: reason/group')
        text = r['title'] + ' ' + r['description']
        if re.search(r'[ทน]\s*\d+\s*-\s*\d+\s*/', text): errs.append(f'{w}: looks like a licence number')
        if L['verdict'] == 'not_regulated':
            if L.get('regulated') is not False or L.get('tis') is not None: errs.append(f'{w}: neg label')
            if fn != FILES[0]: errs.append(f'{w}: neg in regulated file')
        else:
            if L.get('regulated') is not True or L.get('tis') not in known: errs.append(f'{w}: tis {L.get("tis")}')
            for a in L.get('tis_alt', []):
                if a not in known: errs.append(f'{w}: tis_alt {a}')
            claims = bool(re.search(r'มอก|TIS', text))
            if L['verdict'] == 'unverified' and not claims: errs.append(f'{w}: unverified without claim')
            if L['verdict'] == 'non_compliant' and claims: errs.append(f'{w}: non_compliant but claims มอก.')
            if fn != FILES[1]: errs.append(f'{w}: reg in negatives file')
titles = [(r['title'], r['listing_id']) for r in recs]
norm = [re.sub(r'\s+', ' ', t.lower()) for t, _ in titles]
dups = []
for i in range(len(norm)):
    sm = difflib.SequenceMatcher(None, norm[i], autojunk=False)
    for j in range(i + 1, len(norm)):
        sm.set_seq1(norm[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            dups.append((round(sm.ratio(), 3), titles[i][0], titles[j][0]))
for e in errs: print('ERR', e)
for d in dups: print('DUP', d)
from collections import Counter
print('records', len(recs), 'errors', len(errs), 'near-dups', len(dups))
print(Counter(r['label']['group'] for r in recs))
print(Counter(r['label']['verdict'] for r in recs))
print(Counter(r['platform'] for r in recs))
sys.exit(1 if errs or dups else 0)
