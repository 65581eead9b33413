#!/usr/bin/env python3
"""Own checks against listing-v1 (required fields/types) + label shape + near-duplicate titles (difflib > 0.85)."""
import json, os, sys, difflib, collections
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
errs, titles, ids = [], [], set()
for fn in ('part_a_negatives.jsonl', 'part_a_regulated.jsonl'):
    for i, line in enumerate(open(os.path.join(D, fn), encoding='utf-8'), 1):
        r = json.loads(line)
        def e(m): errs.append(f'{fn}:{i}: {m}')
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict), ('synthetic', bool), ('label', dict)):
            if not isinstance(r.get(k), t): e(f'{k} missing/type')
        for k in ('description', 'currency', 'brand', 'platform_category'):
            if k in r and not isinstance(r[k], str): e(f'{k} type')
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): e('price')
        if r['platform'] != r['platform'].lower(): e('platform slug')
        if not r['listing_id'].startswith('hn12a-'): e('prefix')
        if (r['platform'], r['listing_id']) in ids: e('dup id')
        ids.add((r['platform'], r['listing_id']))
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: e('seller.id')
        if s.get('country') and len(s['country']) != 2: e('country')
        L = r['label']
        if L['verdict'] not in ('not_regulated', 'unverified', 'non_compliant', 'compliant'): e('verdict')
        if fn.startswith('part_a_neg'):
            if L['regulated'] or L['tis'] is not None or L['verdict'] != 'not_regulated': e('neg label')
        else:
            if not L['regulated'] or not L['tis'] or L['verdict'] not in ('unverified', 'non_compliant'): e('reg label')
        if not L.get('reason') or not L.get('group'): e('reason/group')
        if not r['title'].strip(): e('empty title')
        if '?' in r['title']: e('stray ? in title')
        titles.append((fn, i, r['title']))
# near duplicates
norm = [t.lower() for _, _, t in titles]
dups = []
for a in range(len(norm)):
    for b in range(a + 1, len(norm)):
        sm = difflib.SequenceMatcher(None, norm[a], norm[b])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            dups.append((titles[a], titles[b], round(sm.ratio(), 3)))
print('errors:', len(errs)); [print(' ', x) for x in errs[:30]]
print('near-duplicates:', len(dups)); [print(' ', d) for d in dups]
