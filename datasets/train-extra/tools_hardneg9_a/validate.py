#!/usr/bin/env python3
"""Check part A files against listing-v1 (required fields, types) and the label shape; report near-duplicate titles."""
import json, os, sys, difflib, re
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLATS = {'shopee', 'lazada', 'tiktok', 'line', 'nocnoc', 'temu', 'other'}
errs, titles, ids = [], [], set()
for fn, reg in (('part_a_negatives.jsonl', False), ('part_a_regulated.jsonl', True)):
    for n, line in enumerate(open(os.path.join(here, fn), encoding='utf-8'), 1):
        r = json.loads(line); w = '%s:%d' % (fn, n)
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('description', str), ('currency', str),
                     ('brand', str), ('platform_category', str), ('seller', dict), ('synthetic', bool), ('label', dict)):
            if not isinstance(r.get(k), t): errs.append('%s %s type' % (w, k))
        if r['platform'] not in PLATS or r['platform'] != r['platform'].lower(): errs.append(w + ' platform')
        if not r['title'].strip(): errs.append(w + ' empty title')
        if not r['listing_id'].startswith('hn9a-'): errs.append(w + ' id prefix')
        if (r['platform'], r['listing_id']) in ids: errs.append(w + ' dup id')
        ids.add((r['platform'], r['listing_id']))
        if not isinstance(r.get('price'), (int, float)) or isinstance(r['price'], bool) or r['price'] < 0: errs.append(w + ' price')
        if r['currency'] != 'THB': errs.append(w + ' currency')
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: errs.append(w + ' seller.id')
        if not re.fullmatch(r'[A-Z]{2}', s.get('country', '')): errs.append(w + ' seller.country')
        L = r['label']
        if L.get('regulated') is not reg: errs.append(w + ' regulated flag')
        if reg:
            if L.get('verdict') not in ('non_compliant', 'unverified'): errs.append(w + ' verdict')
            if not isinstance(L.get('tis'), str): errs.append(w + ' tis')
            if 'มอก' in r['title'] + r['description'] and L['verdict'] == 'non_compliant' and not re.search(r'มอก\.?\s*\d', r['title'] + r['description']):
                pass
        else:
            if L.get('verdict') != 'not_regulated' or L.get('tis') is not None: errs.append(w + ' neg label')
        if not L.get('reason') or not L.get('group'): errs.append(w + ' reason/group')
        if re.search(r'[ทน]\s*\d+\s*-\s*\d+\s*/', r['title'] + r['description']): errs.append(w + ' looks like a licence number')
        titles.append((r['title'], w))
print('records', len(ids), 'errors', len(errs)); print('\n'.join(errs[:50]))
norm = lambda t: re.sub(r'\s+', ' ', t.lower())
dups = []
T = [(norm(t), w, t) for t, w in titles]
for i in range(len(T)):
    for j in range(i + 1, len(T)):
        sm = difflib.SequenceMatcher(None, T[i][0], T[j][0])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            dups.append((round(sm.ratio(), 3), T[i][2], T[j][2]))
print('near-duplicates', len(dups))
for d in dups: print(d)
sys.exit(1 if errs or dups else 0)
