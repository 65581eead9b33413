#!/usr/bin/env python3
"""Check listing-v1 required fields/types, label shape, TIS numbers against the shared files, claim vs verdict,
no licence numbers, unique ids, near-duplicate titles (difflib > 0.85)."""
import collections, csv, difflib, json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE); D = '/work/shared/data'
FILES = ['listings_written11_negatives.jsonl', 'listings_written11_regulated.jsonl']
nums = {r['tis_number'].strip() for r in csv.DictReader(open(f'{D}/tisi_mandatory_standards.csv', encoding='utf-8'))}
rd = csv.reader(open(f'{D}/tisi_licence_stats_2025_11.csv', encoding='utf-8')); next(rd)
nums |= {re.sub(r'-\d{4}$', '', r[1].strip()) for r in rd}
LIC = re.compile(r'(ท|น|นค|ส)\s*[0-9๐-๙]+\s*-\s*[0-9๐-๙]+\s*/\s*[0-9๐-๙]+')
CLAIM = re.compile(r'มอก|TIS', re.I)
errs, recs, ids = [], [], set()
for fn in FILES:
    for i, line in enumerate(open(os.path.join(OUT, fn), encoding='utf-8'), 1):
        r = json.loads(line); w = f'{fn}:{i}'; recs.append(r)
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict), ('label', dict)):
            if not isinstance(r.get(k), t): errs.append(f'{w} {k}')
        if not r['listing_id'].startswith('w11-'): errs.append(f'{w} prefix')
        if (r['platform'], r['listing_id']) in ids: errs.append(f'{w} dup id')
        ids.add((r['platform'], r['listing_id']))
        if not isinstance(r['seller'].get('id'), str): errs.append(f'{w} seller id')
        if 'price' in r and not (isinstance(r['price'], (int, float)) and r['price'] >= 0): errs.append(f'{w} price')
        for k in ('description', 'brand', 'platform_category', 'currency'):
            if k in r and not isinstance(r[k], str): errs.append(f'{w} {k}')
        if r.get('synthetic') is not True: errs.append(f'{w} synthetic')
        L = r['label']; text = r['title'] + ' ' + r.get('description', '')
        if LIC.search(text): errs.append(f'{w} licence-like string')
        if L.get('regulated'):
            if L['verdict'] not in ('unverified', 'non_compliant'): errs.append(f'{w} verdict')
            if L['tis'] not in nums: errs.append(f'{w} tis {L["tis"]}')
            for a in L.get('tis_alt', []):
                if a not in nums: errs.append(f'{w} alt {a}')
            claim = bool(CLAIM.search(text))
            if claim != (L['verdict'] == 'unverified'): errs.append(f'{w} claim/verdict mismatch')
        else:
            if L != {**L, 'tis': None, 'verdict': 'not_regulated', 'regulated': False}: errs.append(f'{w} neg label')
        if not L.get('reason') or not L.get('group'): errs.append(f'{w} reason/group')
titles = [r['title'] for r in recs]
for a in range(len(titles)):
    sm = difflib.SequenceMatcher(None, titles[a], autojunk=False)
    for b in range(a + 1, len(titles)):
        sm.set_seq1(titles[b])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            errs.append(f'near-dup: {titles[a]} || {titles[b]}')
c = collections.Counter((r['label']['regulated'], r['label']['group']) for r in recs)
print(dict(c)); print('verdicts', collections.Counter(r['label']['verdict'] for r in recs))
print('with description', sum('description' in r for r in recs), '/', len(recs))
print('standards', len({r['label']['tis'] for r in recs if r['label']['regulated']}))
print('\n'.join(errs) or 'OK'); sys.exit(1 if errs else 0)
