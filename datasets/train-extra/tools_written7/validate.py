#!/usr/bin/env python3
"""Check listing-v1 required fields/types, unique ids, and near-duplicate titles (difflib > 0.85)."""
import json, os, sys, difflib, collections
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE)
files = ['listings_written7_negatives.jsonl', 'listings_written7_regulated.jsonl']
recs, errs = [], []
for fn in files:
    for i, line in enumerate(open(os.path.join(OUT, fn), encoding='utf-8'), 1):
        r = json.loads(line); recs.append(r)
        def e(m): errs.append('%s:%d %s' % (fn, i, m))
        for k, t in [('platform', str), ('listing_id', str), ('title', str), ('description', str),
                     ('currency', str), ('brand', str), ('platform_category', str), ('seller', dict), ('label', dict)]:
            if not isinstance(r.get(k), t): e('bad ' + k)
        if not isinstance(r.get('price'), (int, float)) or r['price'] < 0: e('bad price')
        if r.get('synthetic') is not True: e('synthetic')
        if not r['listing_id'].startswith('w7-'): e('prefix')
        s = r['seller']
        if not isinstance(s.get('id'), str) or not isinstance(s.get('name'), str) or len(s.get('country', '')) != 2: e('seller')
        L = r['label']
        if L.get('verdict') not in ('not_regulated', 'unverified', 'non_compliant'): e('verdict')
        if L['verdict'] == 'not_regulated' and (L.get('tis') is not None or L.get('regulated') is not False): e('neg label')
        if L['verdict'] != 'not_regulated' and (not L.get('tis') or L.get('regulated') is not True): e('reg label')
        if not L.get('reason') or not L.get('group'): e('reason/group')
        if not r['title'].strip(): e('empty title')
ids = collections.Counter((r['platform'], r['listing_id']) for r in recs)
errs += ['dup id %s' % (k,) for k, c in ids.items() if c > 1]
titles = [r['title'] for r in recs]
for i in range(len(titles)):
    sm = difflib.SequenceMatcher(None, titles[i], autojunk=False)
    for j in range(i + 1, len(titles)):
        sm.set_seq1(titles[j]) if False else None
        m = difflib.SequenceMatcher(None, titles[i], titles[j])
        if m.real_quick_ratio() > 0.85 and m.quick_ratio() > 0.85 and m.ratio() > 0.85:
            errs.append('near-dup %.2f: %s || %s' % (m.ratio(), titles[i], titles[j]))
print('\n'.join(errs) or 'OK')
print(len(recs), 'records;', sum(1 for r in recs if r['description']), 'with description')
print(collections.Counter(r['label']['group'] for r in recs))
print(collections.Counter(r['label']['verdict'] for r in recs))
print('distinct tis', len({r['label']['tis'] for r in recs if r['label']['tis']}))
print(collections.Counter(r['platform'] for r in recs))
sys.exit(1 if errs else 0)
