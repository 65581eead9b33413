#!/usr/bin/env python3
"""Own listing-v1 check (fields/types from /work/shared/spec/listing-v1.md), label shape,
TIS numbers against the shared catalogue/statistics files, unique ids, near-duplicate titles."""
import json, sys, os, csv, difflib, collections
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE)
D = '/work/shared/data'
known = {r['tis_number'] for r in csv.DictReader(open(f'{D}/tisi_mandatory_standards.csv', encoding='utf-8'))}
for r in csv.reader(open(f'{D}/tisi_licence_stats_2025_11.csv', encoding='utf-8')):
    if r[0] != 'ลำดับ':
        known.add(r[1].rsplit('-', 1)[0])
err = []
def chk(c, m):
    if not c: err.append(m)
recs = []
for fn, regd in (('part_a_negatives.jsonl', False), ('part_a_regulated.jsonl', True)):
    for i, line in enumerate(open(os.path.join(OUT, fn), encoding='utf-8'), 1):
        r = json.loads(line); w = f'{fn}:{i}'
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('description', str),
                     ('currency', str), ('brand', str), ('platform_category', str)):
            chk(isinstance(r.get(k), t), f'{w} {k}')
        chk(r['platform'] in {'shopee','lazada','tiktok','line','nocnoc','temu','other'} and r['platform'].islower(), f'{w} platform')
        chk(r['listing_id'].startswith('hn3a-'), f'{w} id prefix')
        chk(r['title'].strip() != '', f'{w} empty title')
        chk(isinstance(r.get('price'), (int, float)) and not isinstance(r['price'], bool) and r['price'] >= 0, f'{w} price')
        chk(r['currency'] == 'THB', f'{w} currency')
        s = r.get('seller'); chk(isinstance(s, dict) and isinstance(s.get('id'), str) and s['id'], f'{w} seller.id')
        chk(isinstance(s.get('name'), str) and len(s.get('country', '')) == 2 and s['country'].isupper(), f'{w} seller name/country')
        chk(r.get('synthetic') is True, f'{w} synthetic')
        L = r.get('label'); chk(isinstance(L, dict), f'{w} label')
        chk(L['regulated'] is regd, f'{w} regulated flag')
        chk(isinstance(L.get('reason'), str) and L['reason'] and isinstance(L.get('group'), str), f'{w} reason/group')
        if regd:
            chk(L['verdict'] in ('non_compliant', 'unverified'), f'{w} verdict')
            chk(L['tis'] in known, f'{w} tis {L["tis"]} unknown')
            for a in L.get('tis_alt', []): chk(a in known, f'{w} tis_alt {a} unknown')
            txt = r['title'] + r['description']
            claims = 'มอก' in txt or 'TIS' in txt
            chk((L['verdict'] == 'unverified') == claims, f'{w} verdict vs claim mismatch: {r["title"]}')
        else:
            chk(L['verdict'] == 'not_regulated' and L['tis'] is None, f'{w} neg label')
        recs.append(r)
ids = collections.Counter((r['platform'], r['listing_id']) for r in recs)
err += [f'dup id {k}' for k, v in ids.items() if v > 1]
titles = [r['title'] for r in recs]
for i in range(len(titles)):
    sm = difflib.SequenceMatcher(None, titles[i], autojunk=False)
    for j in range(i + 1, len(titles)):
        sm.set_seq2(titles[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            err.append(f'near-dup {sm.ratio():.2f}: {titles[i]} || {titles[j]}')
print('\n'.join(err) or 'OK')
print(len(recs), 'records;', sum(1 for r in recs if r['description']), 'with description')
c = collections.Counter(r['label']['group'] for r in recs); print(dict(c))
print('standards used:', len({r['label']['tis'] for r in recs if r['label']['regulated']}))
print(collections.Counter(r['platform'] for r in recs))
