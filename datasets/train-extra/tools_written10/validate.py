#!/usr/bin/env python3
"""Check listing-v1 required fields/types, label shape, TIS numbers against the shared catalogue and
statistics files, claims vs verdict, no licence numbers, unique ids, and near-duplicate titles."""
import collections, csv, difflib, json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
DATA = '/work/shared/data'
FILES = ['listings_written10_negatives.jsonl', 'listings_written10_regulated.jsonl']

def std_numbers():
    nums = set()
    with open(os.path.join(DATA, 'tisi_mandatory_standards.csv'), encoding='utf-8') as fh:
        for row in csv.DictReader(fh):
            nums.add(row['tis_number'].strip())
    with open(os.path.join(DATA, 'tisi_licence_stats_2025_11.csv'), encoding='utf-8') as fh:
        rd = csv.reader(fh); next(rd)
        for row in rd:
            nums.add(re.sub(r'-\d{4}$', '', row[1].strip()))
    return nums

THAI = str.maketrans('๐๑๒๓๔๕๖๗๘๙', '0123456789')
LIC = re.compile(r'(ท|น|นค|ส)\s*\d+\s*-\s*\d+\s*/\s*\d+')
CLAIM = re.compile(r'มอก|TIS|tis', re.I)

def main():
    nums = std_numbers()
    errs = []; recs = []
    for fn in FILES:
        for i, line in enumerate(open(os.path.join(OUT, fn), encoding='utf-8'), 1):
            r = json.loads(line); recs.append((fn, i, r))
            where = f"{fn}:{i}"
            for k, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict), ('label', dict)):
                if not isinstance(r.get(k), t): errs.append(f"{where}: {k} missing/type")
            if not re.fullmatch(r'[a-z]+', r['platform']): errs.append(f"{where}: platform slug")
            if not r['listing_id'].startswith('w10-'): errs.append(f"{where}: id prefix")
            if 'description' in r and not isinstance(r['description'], str): errs.append(f"{where}: description")
            if not isinstance(r.get('price'), (int, float)) or r['price'] < 0: errs.append(f"{where}: price")
            for k in ('currency', 'brand', 'platform_category'):
                if k in r and not isinstance(r[k], str): errs.append(f"{where}: {k}")
            s = r['seller']
            if not isinstance(s.get('id'), str) or not s['id']: errs.append(f"{where}: seller.id")
            if not re.fullmatch(r'[A-Z]{2}', s.get('country', '')): errs.append(f"{where}: country")
            if r.get('synthetic') is not True: errs.append(f"{where}: synthetic")
            lab = r['label']; text = r['title'] + '\n' + r.get('description', '')
            if LIC.search(text.translate(THAI)): errs.append(f"{where}: licence-like number")
            if fn.endswith('negatives.jsonl'):
                if lab != {'regulated': False, 'tis': None, 'verdict': 'not_regulated',
                           'reason': lab.get('reason'), 'group': lab.get('group')} or not lab.get('reason'):
                    errs.append(f"{where}: negative label shape")
            else:
                if lab.get('regulated') is not True or lab.get('verdict') not in ('non_compliant', 'unverified'):
                    errs.append(f"{where}: regulated label")
                if lab.get('tis') not in nums: errs.append(f"{where}: tis {lab.get('tis')} not in catalogue/stats")
                for a in lab.get('tis_alt', []):
                    if a not in nums: errs.append(f"{where}: tis_alt {a} unknown")
                claim = bool(CLAIM.search(text))
                if lab['verdict'] == 'unverified' and not claim: errs.append(f"{where}: unverified but no claim")
                if lab['verdict'] == 'non_compliant' and claim and 'ไม่มี มอก' not in text:
                    errs.append(f"{where}: non_compliant but claims TIS")
    ids = collections.Counter((r['platform'], r['listing_id']) for _, _, r in recs)
    errs += [f"duplicate id {k}" for k, c in ids.items() if c > 1]
    titles = [(f"{fn}:{i}", r['title']) for fn, i, r in recs]
    for a in range(len(titles)):
        for b in range(a + 1, len(titles)):
            sm = difflib.SequenceMatcher(None, titles[a][1], titles[b][1])
            if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
                errs.append(f"near-duplicate {titles[a][0]} / {titles[b][0]}: {titles[a][1]} || {titles[b][1]}")
    for e in errs: print('ERR', e)
    neg = [r for fn, _, r in recs if 'negatives' in fn]; reg = [r for fn, _, r in recs if 'regulated' in fn]
    print('negatives', len(neg), dict(collections.Counter(r['label']['group'] for r in neg)))
    print('regulated', len(reg), dict(collections.Counter(r['label']['group'] for r in reg)))
    print('standards', len({r['label']['tis'] for r in reg}),
          'unverified', sum(r['label']['verdict'] == 'unverified' for r in reg))
    print('platforms', dict(collections.Counter(r['platform'] for _, _, r in recs)))
    print('with description', sum('description' in r for _, _, r in recs), 'of', len(recs))
    return 1 if errs else 0

if __name__ == '__main__':
    sys.exit(main())
