#!/usr/bin/env python3
"""Check part A files against listing-v1 (required fields/types) and the label shape; report near-duplicate titles."""
import csv, difflib, json, os, re, sys, collections
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE)
STATS = '/work/shared/data/tisi_licence_stats_2025_11.csv'
tis_ok = {r[1].rsplit('-', 1)[0] for r in list(csv.reader(open(STATS, encoding='utf-8')))[1:]}
errs = []; titles = []; ids = set()
LICENCE = re.compile(r'[ทน]\s*\d+\s*-\s*\d+\s*/\s*\d+')
for name, reg in (('part_a_negatives.jsonl', False), ('part_a_regulated.jsonl', True)):
    for n, line in enumerate(open(os.path.join(OUT, name), encoding='utf-8'), 1):
        r = json.loads(line); where = f'{name}:{n}'
        for f, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict), ('label', dict)):
            if not isinstance(r.get(f), t): errs.append(f'{where}: {f} missing/wrong type')
        if not re.fullmatch(r'[a-z]+', r.get('platform', '')): errs.append(f'{where}: platform slug')
        if not r['listing_id'].startswith('hn7a-'): errs.append(f'{where}: id prefix')
        key = (r['platform'], r['listing_id'])
        if key in ids: errs.append(f'{where}: duplicate id')
        ids.add(key)
        for f, t in (('description', str), ('brand', str), ('platform_category', str), ('currency', str)):
            if f in r and not isinstance(r[f], t): errs.append(f'{where}: {f} type')
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): errs.append(f'{where}: price')
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: errs.append(f'{where}: seller.id')
        if 'country' in s and not re.fullmatch(r'[A-Z]{2}', s['country']): errs.append(f'{where}: seller.country')
        if r.get('synthetic') is not True: errs.append(f'{where}: synthetic')
        L = r['label']
        if L.get('regulated') is not reg: errs.append(f'{where}: label.regulated')
        if not L.get('reason') or not L.get('group'): errs.append(f'{where}: reason/group')
        if reg:
            if L.get('verdict') not in ('non_compliant', 'unverified'): errs.append(f'{where}: verdict')
            if L.get('tis') not in tis_ok: errs.append(f'{where}: tis {L.get("tis")} not in stats file')
            for a in L.get('tis_alt', []):
                if a not in tis_ok: errs.append(f'{where}: tis_alt {a}')
        else:
            if L.get('verdict') != 'not_regulated' or L.get('tis') is not None: errs.append(f'{where}: negative label')
        text = r['title'] + ' ' + r.get('description', '')
        if LICENCE.search(text): errs.append(f'{where}: looks like a licence number')
        claims = bool(re.search(r'มอก|TIS', text))
        if reg and (L['verdict'] == 'unverified') != claims:
            errs.append(f'{where}: verdict {L["verdict"]} vs claim={claims}: {r["title"][:50]}')
        titles.append((where, r['title']))
# near-duplicates
norm = [(w, re.sub(r'\s+', ' ', t.lower())) for w, t in titles]
dups = []
for i in range(len(norm)):
    sm = difflib.SequenceMatcher(None, norm[i][1], autojunk=False)
    for j in range(i + 1, len(norm)):
        sm.set_seq1(norm[j][1])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            dups.append((norm[i][0], norm[j][0], round(sm.ratio(), 3), titles[i][1][:40], titles[j][1][:40]))
print('records', len(titles), 'errors', len(errs), 'near-duplicates', len(dups))
for e in errs: print('ERR', e)
for d in dups: print('DUP', d)
sys.exit(1 if errs or dups else 0)
