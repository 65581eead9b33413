"""Validate part A files against listing-v1 (own checks, no tisguard import) and report near-duplicate titles."""
import json, os, re, sys, difflib, collections, csv
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAT = set()
for r in csv.DictReader(open('/work/shared/data/tisi_mandatory_standards.csv', encoding='utf-8')):
    CAT.add(r['tis_number'])
for r in csv.reader(open('/work/shared/data/tisi_licence_stats_2025_11.csv', encoding='utf-8')):
    m = re.match(r'^(.*)-(\d{4})$', r[1])
    if m: CAT.add(m.group(1))
errs = []
def err(m): errs.append(m)
recs = []
for fn in ('part_a_negatives.jsonl', 'part_a_regulated.jsonl'):
    for i, line in enumerate(open(os.path.join(D, fn), encoding='utf-8'), 1):
        r = json.loads(line); recs.append((fn, i, r))
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('seller', dict)):
            if not isinstance(r.get(k), t): err(f'{fn}:{i} {k}')
        if not re.fullmatch(r'[a-z]+', r['platform']): err(f'{fn}:{i} platform slug')
        if not r['listing_id'].startswith('hn5a-'): err(f'{fn}:{i} prefix')
        for k in ('description', 'brand', 'platform_category', 'currency'):
            if k in r and not isinstance(r[k], str): err(f'{fn}:{i} {k} type')
        if 'price' in r and (not isinstance(r['price'], (int, float)) or r['price'] < 0): err(f'{fn}:{i} price')
        s = r['seller']
        if not isinstance(s.get('id'), str) or not s['id']: err(f'{fn}:{i} seller.id')
        if 'country' in s and not re.fullmatch(r'[A-Z]{2}', s['country']): err(f'{fn}:{i} country')
        if r.get('synthetic') is not True: err(f'{fn}:{i} synthetic')
        L = r.get('label') or {}
        if L.get('verdict') not in ('not_regulated', 'compliant', 'unverified', 'non_compliant'): err(f'{fn}:{i} verdict')
        text = r['title'] + ' ' + r.get('description', '')
        claims = bool(re.search(r'มอก|TIS', text))
        if re.search(r'[ทน]\s*\d+\s*-\s*\d+\s*/', text): err(f'{fn}:{i} looks like licence no')
        if fn.startswith('part_a_neg'):
            if L != {**L, 'regulated': False, 'tis': None, 'verdict': 'not_regulated'}: err(f'{fn}:{i} neg label')
            if claims: err(f'{fn}:{i} negative mentions มอก/TIS')
        else:
            if L.get('regulated') is not True or L.get('tis') not in CAT: err(f'{fn}:{i} tis {L.get("tis")}')
            for a in L.get('tis_alt', []):
                if a not in CAT: err(f'{fn}:{i} alt {a}')
            if (L['verdict'] == 'unverified') != claims: err(f'{fn}:{i} verdict/claim mismatch {L["verdict"]}')
        for k in ('reason', 'group'):
            if not L.get(k): err(f'{fn}:{i} label.{k}')
# near duplicates
titles = [(fn, i, r['title']) for fn, i, r in recs]
norm = [re.sub(r'\s+', ' ', t.lower()) for _, _, t in titles]
dups = []
for a in range(len(norm)):
    sm = difflib.SequenceMatcher(None, norm[a], autojunk=False)
    for b in range(a + 1, len(norm)):
        sm.set_seq1(norm[b])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            dups.append((titles[a], titles[b], round(sm.ratio(), 3)))
for d in dups: print('NEARDUP', d)
for e in errs: print('ERR', e)
neg = [r for fn, i, r in recs if fn.startswith('part_a_neg')]
reg = [r for fn, i, r in recs if fn.startswith('part_a_reg')]
print('negatives', len(neg), 'groups', len({r['label']['group'] for r in neg}))
print('regulated', len(reg), 'standards', len({r['label']['tis'] for r in reg}),
      'unverified', sum(r['label']['verdict'] == 'unverified' for r in reg))
print('with description', sum('description' in r for _, _, r in recs), 'of', len(recs))
print('errors', len(errs), 'neardups', len(dups))
