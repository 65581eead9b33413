#!/usr/bin/env python3
"""Own validator for listing-v1 labelled records (does not import tisguard) + label sanity + near-duplicate check."""
import csv, difflib, json, os, re, sys
OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = ['listings_written5_regulated.jsonl', 'listings_written5_negatives.jsonl']
stats = set(r[1].rsplit('-', 1)[0] for r in list(csv.reader(open('/work/shared/data/tisi_licence_stats_2025_11.csv')))[1:])
cat = set(r[0] for r in list(csv.reader(open('/work/shared/data/tisi_mandatory_standards.csv')))[1:])
known = stats | cat
errs = []; recs = []; ids = set()
CLAIM = re.compile(r'มอก|TIS', re.I)
LICENCE = re.compile(r'(?<![A-Za-z])(ท|น|นค|ส)\s*\d+\s*-\s*\d+\s*/\s*\d+')
for f in FILES:
    for i, line in enumerate(open(os.path.join(OUT, f), encoding='utf-8'), 1):
        r = json.loads(line); recs.append((f, i, r)); w = f'{f}:{i}'
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict), ('label', dict)):
            if not isinstance(r.get(k), t): errs.append(f'{w} {k} missing/bad')
        if not re.fullmatch(r'[a-z]+', r.get('platform', '')): errs.append(f'{w} platform slug')
        if not r['listing_id'].startswith('w5-'): errs.append(f'{w} id prefix')
        key = (r['platform'], r['listing_id'])
        if key in ids: errs.append(f'{w} duplicate id')
        ids.add(key)
        if 'description' in r and not isinstance(r['description'], str): errs.append(f'{w} description')
        if not isinstance(r.get('price'), (int, float)) or r['price'] < 0: errs.append(f'{w} price')
        if r.get('currency') != 'THB': errs.append(f'{w} currency')
        for k in ('brand', 'platform_category'):
            if k in r and not isinstance(r[k], str): errs.append(f'{w} {k}')
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: errs.append(f'{w} seller.id')
        if not re.fullmatch(r'[A-Z]{2}', s.get('country', '')): errs.append(f'{w} seller.country')
        if r.get('synthetic') is not True: errs.append(f'{w} synthetic')
        L = r['label']; text = r['title'] + '\n' + r.get('description', '')
        if L.get('verdict') not in ('not_regulated', 'non_compliant', 'unverified', 'compliant'): errs.append(f'{w} verdict')
        if LICENCE.search(text): errs.append(f'{w} looks like a licence number')
        if 'regulated' in f and 'negatives' not in f:
            if L['regulated'] is not True or L['tis'] not in known: errs.append(f'{w} tis {L.get("tis")}')
            for a in L.get('tis_alt', []):
                if a not in known: errs.append(f'{w} alt {a}')
            has = bool(CLAIM.search(text))
            negated = bool(re.search(r'(ไม่มี|ยังไม่มี|ยังไม่ได้)\s*มอก', text))
            if L['verdict'] == 'unverified' and not has: errs.append(f'{w} unverified without claim')
            if L['verdict'] == 'non_compliant' and has and not negated: errs.append(f'{w} non_compliant but mentions มอก/TIS: {r["title"]}')
        else:
            if L['regulated'] is not False or L['tis'] is not None or L['verdict'] != 'not_regulated': errs.append(f'{w} neg label')
            if CLAIM.search(text): errs.append(f'{w} negative mentions มอก/TIS')
# near-duplicates across both files (titles)
titles = [(f'{f}:{i}', r['title']) for f, i, r in recs]
dups = []
for a in range(len(titles)):
    for b in range(a + 1, len(titles)):
        if difflib.SequenceMatcher(None, titles[a][1], titles[b][1]).quick_ratio() <= 0.85: continue
        if difflib.SequenceMatcher(None, titles[a][1], titles[b][1]).ratio() > 0.85:
            dups.append((titles[a], titles[b]))
for d in dups: errs.append(f'near-dup: {d}')
print(len(recs), 'records;', len(errs), 'problems')
for e in errs: print(' ', e)
sys.exit(1 if errs else 0)
