#!/usr/bin/env python3
"""Own listing-v1 checker (required fields/types from the spec) + label shape + duplicate ids + near-duplicate titles."""
import json, sys, os, difflib, collections
OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
files = ['part_b_negatives.jsonl', 'part_b_regulated.jsonl']
errs = []; allrecs = []
for fn in files:
    for n, line in enumerate(open(os.path.join(OUT, fn), encoding='utf-8'), 1):
        r = json.loads(line); allrecs.append(r); w = f"{fn}:{n}"
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict)):
            if not isinstance(r.get(k), t): errs.append(f"{w} bad {k}")
        if r['platform'] != r['platform'].lower(): errs.append(f"{w} platform case")
        if not r['listing_id'].startswith('hn10b-'): errs.append(f"{w} prefix")
        if 'description' in r and not isinstance(r['description'], str): errs.append(f"{w} desc")
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): errs.append(f"{w} price")
        for k in ('currency', 'brand', 'platform_category'):
            if k in r and not isinstance(r[k], str): errs.append(f"{w} {k}")
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: errs.append(f"{w} seller id")
        if 'country' in s and (not isinstance(s['country'], str) or len(s['country']) != 2): errs.append(f"{w} country")
        if r.get('synthetic') is not True: errs.append(f"{w} synthetic")
        L = r.get('label', {})
        if L.get('verdict') not in ('not_regulated', 'unverified', 'non_compliant', 'compliant'): errs.append(f"{w} verdict")
        if L['verdict'] == 'not_regulated':
            if L.get('regulated') is not False or L.get('tis') is not None: errs.append(f"{w} neg label")
        else:
            if L.get('regulated') is not True or not isinstance(L.get('tis'), str): errs.append(f"{w} reg label")
            txt = r['title'] + r.get('description', '')
            claims = ('มอก' in txt) or ('TIS' in txt)
            if L['verdict'] == 'unverified' and not claims: errs.append(f"{w} unverified without claim")
            if L['verdict'] == 'non_compliant' and claims: errs.append(f"{w} non_compliant but claims")
        if not L.get('reason') or not L.get('group'): errs.append(f"{w} reason/group")
ids = collections.Counter((r['platform'], r['listing_id']) for r in allrecs)
errs += [f"dup id {k}" for k, c in ids.items() if c > 1]
titles = [r['title'] for r in allrecs]
near = []
for i in range(len(titles)):
    sm = difflib.SequenceMatcher(None, titles[i], autojunk=False)
    for j in range(i + 1, len(titles)):
        sm.set_seq1(titles[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            near.append((round(sm.ratio(), 3), titles[i], titles[j]))
print('records', len(allrecs), 'errors', len(errs), 'near-dups', len(near))
for e in errs[:50]: print(' ', e)
for x in near: print('  NEAR', x)
sys.exit(1 if errs or near else 0)
