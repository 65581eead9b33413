#!/usr/bin/env python3
"""Validate part B files against listing-v1 (fields and types from the spec) and the label shape;
check listing_id prefix/uniqueness, no licence-number-like text, and near-duplicate titles (difflib > 0.85)."""
import csv, difflib, json, os, re, sys
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAT = set()
for fn in ('/work/shared/data/tisi_mandatory_standards.csv',):
    for r in csv.DictReader(open(fn, encoding='utf-8')): CAT.add(r['tis_number'].strip())
for r in csv.reader(open('/work/shared/data/tisi_licence_stats_2025_11.csv', encoding='utf-8')):
    if r[0] != 'ลำดับ': CAT.add(r[1].rsplit('-', 1)[0].strip())
LIC = re.compile(r'(ท|น|นค|ส)\s*[0-9๐-๙]+\s*-\s*[0-9๐-๙]+\s*/\s*[0-9๐-๙]+')
errs = []; titles = []; ids = set()
def err(i, m): errs.append('%s: %s' % (i, m))
for fn, regulated in (('part_b_negatives.jsonl', False), ('part_b_regulated.jsonl', True)):
    for n, line in enumerate(open(os.path.join(D, fn), encoding='utf-8'), 1):
        where = '%s:%d' % (fn, n)
        r = json.loads(line)
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict), ('label', dict)):
            if not isinstance(r.get(k), t): err(where, 'missing/bad ' + k)
        if not re.fullmatch(r'[a-z]+', r.get('platform', '')): err(where, 'platform slug')
        if not r['listing_id'].startswith('hn7b-'): err(where, 'prefix')
        key = (r['platform'], r['listing_id'])
        if key in ids: err(where, 'dup id')
        ids.add(key)
        for k in ('description', 'brand', 'platform_category', 'currency', 'model'):
            if k in r and not isinstance(r[k], str): err(where, 'type ' + k)
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): err(where, 'price')
        if r.get('currency', 'THB') != 'THB': err(where, 'currency')
        if r.get('synthetic') is not True: err(where, 'synthetic')
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: err(where, 'seller.id')
        if not re.fullmatch(r'[A-Z]{2}', s.get('country', '')): err(where, 'seller.country')
        if 'attributes' in r and not all(isinstance(k, str) and isinstance(v, str) for k, v in r['attributes'].items()): err(where, 'attributes')
        if not r['title'].strip(): err(where, 'empty title')
        text = ' '.join([r['title'], r.get('description', '')] + list(r.get('attributes', {}).values()))
        if LIC.search(text): err(where, 'licence-like text: ' + LIC.search(text).group())
        L = r['label']
        if L.get('regulated') is not regulated: err(where, 'label.regulated')
        if not L.get('reason') or not L.get('group'): err(where, 'reason/group')
        if regulated:
            if L.get('verdict') not in ('non_compliant', 'unverified'): err(where, 'verdict')
            if L.get('tis') is not None and L['tis'] not in CAT: err(where, 'tis not in catalogue: %s' % L['tis'])
            for a in L.get('tis_alt', []):
                if a not in CAT: err(where, 'tis_alt not in catalogue: ' + a)
            claims = 'มอก' in text or 'TIS' in text
            if (L['verdict'] == 'unverified') != claims: err(where, 'verdict vs claim mismatch')
        else:
            if L.get('verdict') != 'not_regulated' or L.get('tis') is not None: err(where, 'neg label')
        titles.append((where, r['title']))
# near duplicates
norm = [(w, re.sub(r'\s+', ' ', t.lower())) for w, t in titles]
for i in range(len(norm)):
    sm = difflib.SequenceMatcher(None, b=norm[i][1], autojunk=False)
    for j in range(i + 1, len(norm)):
        sm.set_seq1(norm[j][1])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            err(norm[i][0], 'near-duplicate of %s: %s | %s' % (norm[j][0], titles[i][1], titles[j][1]))
print('\n'.join(errs) if errs else 'OK', len(titles), 'records')
sys.exit(1 if errs else 0)
