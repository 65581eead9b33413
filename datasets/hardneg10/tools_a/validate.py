import json, difflib, collections, sys
ok = True; recs = []
for fn in ['../part_a_negatives.jsonl', '../part_a_regulated.jsonl']:
    for n, line in enumerate(open(fn, encoding='utf-8'), 1):
        r = json.loads(line); recs.append(r)
        def err(m):
            global ok; ok = False; print(fn, n, m)
        for k, t in [('platform', str), ('listing_id', str), ('title', str), ('seller', dict), ('label', dict)]:
            if not isinstance(r.get(k), t): err('missing/bad ' + k)
        if 'description' in r and not isinstance(r['description'], str): err('desc')
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): err('price')
        for k in ('currency', 'brand', 'platform_category'):
            if k in r and not isinstance(r[k], str): err(k)
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: err('seller.id')
        if len(s.get('country', 'XX')) != 2: err('country')
        if r.get('synthetic') is not True: err('synthetic')
        L = r['label']
        if L['verdict'] not in ('not_regulated', 'non_compliant', 'unverified', 'compliant'): err('verdict')
        if (L['verdict'] == 'not_regulated') != (L['tis'] is None): err('tis/verdict')
        if not r['listing_id'].startswith('hn10a-'): err('prefix')
ids = collections.Counter((r['platform'], r['listing_id']) for r in recs)
d = [k for k, v in ids.items() if v > 1]
if d: ok = False; print('dup ids', d)
titles = [r['title'] for r in recs]
for i in range(len(titles)):
    for j in range(i + 1, len(titles)):
        sm = difflib.SequenceMatcher(None, titles[i], titles[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            ok = False; print('near-dup:', titles[i], '||', titles[j])
print('records', len(recs), 'ok' if ok else 'PROBLEMS')
neg = [r for r in recs if not r['label']['regulated']]; reg = [r for r in recs if r['label']['regulated']]
print('neg groups', collections.Counter(r['label']['group'] for r in neg))
print('reg groups', collections.Counter(r['label']['group'] for r in reg))
print('reg tis', collections.Counter(r['label']['tis'] for r in reg))
print('verdicts', collections.Counter(r['label']['verdict'] for r in reg))
print('platforms', collections.Counter(r['platform'] for r in recs))
print('with desc', sum('description' in r for r in recs), 'with cat', sum('platform_category' in r for r in recs))
