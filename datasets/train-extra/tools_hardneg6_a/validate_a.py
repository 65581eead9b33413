#!/usr/bin/env python3
"""Validate part A files against listing-v1 required fields/types and check near-duplicate titles."""
import json, os, sys, difflib, collections
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
errs = 0; titles = []; keys = set()
for name in ('part_a_negatives.jsonl', 'part_a_regulated.jsonl'):
    for n, line in enumerate(open(os.path.join(D, name), encoding='utf-8'), 1):
        r = json.loads(line)
        def bad(m):
            global errs; errs += 1; print(name, n, m)
        for f, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict), ('label', dict)):
            if not isinstance(r.get(f), t) or (t is str and not r[f]): bad('field ' + f)
        if r.get('platform') != (r.get('platform') or '').lower(): bad('platform case')
        if 'description' in r and not isinstance(r['description'], str): bad('description')
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): bad('price')
        for f in ('currency', 'brand', 'platform_category'):
            if f in r and not isinstance(r[f], str): bad(f)
        s = r.get('seller', {})
        if not s.get('id') or not isinstance(s.get('id'), str): bad('seller.id')
        if 'country' in s and (len(s['country']) != 2 or not s['country'].isupper()): bad('country')
        if r.get('synthetic') is not True: bad('synthetic')
        if not r['listing_id'].startswith('hn6a-'): bad('prefix')
        k = (r['platform'], r['listing_id'])
        if k in keys: bad('dup id')
        keys.add(k)
        L = r['label']
        if L.get('verdict') not in ('not_regulated', 'compliant', 'unverified', 'non_compliant'): bad('verdict')
        if name.startswith('part_a_neg'):
            if L.get('regulated') is not False or L.get('tis') is not None or L['verdict'] != 'not_regulated': bad('neg label')
        else:
            if L.get('regulated') is not True or L['verdict'] not in ('unverified', 'non_compliant'): bad('reg label')
            if L.get('tis') is not None and not isinstance(L['tis'], str): bad('tis')
        if not L.get('reason') or not L.get('group'): bad('reason/group')
        titles.append((r['title'], name, n))
print('records', len(titles), 'errors', errs)
norm = [t[0].lower() for t in titles]
close = 0
for i in range(len(norm)):
    sm = difflib.SequenceMatcher(None, norm[i], '')
    for j in range(i + 1, len(norm)):
        sm.set_seq2(norm[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            close += 1; print('NEAR-DUP', round(sm.ratio(), 3), titles[i], '||', titles[j])
print('near-duplicates', close)
sys.exit(1 if errs or close else 0)
