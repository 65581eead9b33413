#!/usr/bin/env python3
"""Check writer-3B files against listing-v1 required fields/types and the label shape; report near-duplicate titles."""
import json, sys, difflib, os, csv
d = os.path.dirname(os.path.abspath(__file__))
files = [os.path.join(d, '..', f) for f in ('part_b_negatives.jsonl', 'part_b_regulated.jsonl')]
cat = set()
for r in csv.DictReader(open('/work/shared/data/tisi_mandatory_standards.csv', encoding='utf-8')): cat.add(r['tis_number'].strip())
for r in csv.DictReader(open('/work/shared/data/tisi_licence_stats_2025_11.csv', encoding='utf-8')):
    n = r['เลขที่ มอก.'].strip(); cat.add(n.rsplit('-', 1)[0].strip())
errs, titles, keys = [], [], set()
for fn in files:
    for i, line in enumerate(open(fn, encoding='utf-8'), 1):
        r = json.loads(line); w = '%s:%d' % (os.path.basename(fn), i)
        for k, t in [('platform', str), ('listing_id', str), ('title', str), ('description', str), ('currency', str),
                     ('brand', str), ('platform_category', str), ('seller', dict), ('synthetic', bool), ('label', dict)]:
            if not isinstance(r.get(k), t): errs.append('%s %s type' % (w, k))
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): errs.append(w + ' price')
        if not r['title'].strip(): errs.append(w + ' empty title')
        if not r['listing_id'].startswith('hn3b-'): errs.append(w + ' prefix')
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id'] or not isinstance(s.get('name'), str) or len(s.get('country', '')) != 2: errs.append(w + ' seller')
        if (r['platform'], r['listing_id']) in keys: errs.append(w + ' dup key')
        keys.add((r['platform'], r['listing_id']))
        L = r['label']
        if 'negatives' in fn:
            if not (L.get('regulated') is False and L.get('tis') is None and L.get('verdict') == 'not_regulated' and L.get('reason') and L.get('group')): errs.append(w + ' neg label')
        else:
            if not (L.get('regulated') is True and L.get('verdict') in ('non_compliant', 'unverified') and L.get('reason') and L.get('group')): errs.append(w + ' reg label')
            if L.get('tis') not in cat: errs.append(w + ' tis not in catalogue/stats: %r' % L.get('tis'))
            for a in L.get('tis_alt', []):
                if a not in cat: errs.append(w + ' tis_alt not known: %r' % a)
        titles.append((r['title'], w))
print('records', len(titles), 'errors', len(errs)); [print(' ', e) for e in errs[:50]]
dups = []
for i in range(len(titles)):
    for j in range(i + 1, len(titles)):
        a, b = titles[i][0], titles[j][0]
        sm = difflib.SequenceMatcher(None, a, b)
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85: dups.append((round(sm.ratio(), 2), titles[i], titles[j]))
print('near-duplicate pairs (>0.85):', len(dups)); [print(' ', x) for x in dups]
sys.exit(1 if errs or dups else 0)
