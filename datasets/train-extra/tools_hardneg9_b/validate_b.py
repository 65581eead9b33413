#!/usr/bin/env python3
"""Validate part B files against listing-v1 (fields/types from /work/shared/spec/listing-v1.md),
the label shape from the writer rules, TIS numbers against the shared catalogue and statistics
files, and near-duplicate titles (difflib ratio > 0.85) across both files."""
import csv, difflib, json, os, re, sys, collections

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
FILES = ['part_b_negatives.jsonl', 'part_b_regulated.jsonl']
DATA = '/work/shared/data'
errs = []

def err(where, msg):
    errs.append(f'{where}: {msg}')

def tis_set():
    s = set()
    for r in csv.DictReader(open(f'{DATA}/tisi_mandatory_standards.csv', encoding='utf-8')):
        s.add(r['tis_number'].strip())
    for r in csv.reader(open(f'{DATA}/tisi_licence_stats_2025_11.csv', encoding='utf-8')):
        if r[0] == 'ลำดับ':
            continue
        s.add(re.sub(r'-\d{4}$', '', r[1].strip()))
    return s

TIS = tis_set()
ISO = re.compile(r'^[A-Z]{2}$')
seen = set()
rows = []
for fn in FILES:
    for i, line in enumerate(open(os.path.join(OUT, fn), encoding='utf-8'), 1):
        w = f'{fn}:{i}'
        try:
            r = json.loads(line)
        except Exception as e:
            err(w, f'bad json {e}'); continue
        rows.append((w, fn, r))
        for k, t in (('platform', str), ('listing_id', str), ('title', str), ('description', str),
                     ('currency', str), ('brand', str), ('platform_category', str), ('seller', dict)):
            if not isinstance(r.get(k), t):
                err(w, f'{k} missing or not {t.__name__}')
        if not re.fullmatch(r'[a-z]+', r.get('platform', '')):
            err(w, 'platform not a lowercase slug')
        if not r.get('listing_id', '').startswith('hn9b-'):
            err(w, 'listing_id prefix')
        key = (r.get('platform'), r.get('listing_id'))
        if key in seen:
            err(w, 'duplicate (platform, listing_id)')
        seen.add(key)
        if not r.get('title', '').strip():
            err(w, 'empty title')
        p = r.get('price')
        if isinstance(p, bool) or not isinstance(p, (int, float)) or p < 0:
            err(w, 'price not a number >= 0')
        if r.get('currency') != 'THB':
            err(w, 'currency')
        s = r.get('seller') or {}
        if not isinstance(s.get('id'), str) or not s.get('id'):
            err(w, 'seller.id')
        if not isinstance(s.get('name'), str) or not s.get('name'):
            err(w, 'seller.name')
        if not ISO.match(s.get('country', '')):
            err(w, 'seller.country')
        if r.get('synthetic') is not True:
            err(w, 'synthetic')
        lab = r.get('label')
        if not isinstance(lab, dict):
            err(w, 'label missing'); continue
        for k in ('reason', 'group'):
            if not isinstance(lab.get(k), str) or not lab.get(k):
                err(w, f'label.{k}')
        if fn.startswith('part_b_neg'):
            if lab.get('regulated') is not False or lab.get('tis') is not None or lab.get('verdict') != 'not_regulated':
                err(w, 'negative label shape')
        else:
            if lab.get('regulated') is not True or lab.get('verdict') not in ('non_compliant', 'unverified'):
                err(w, 'regulated label shape')
            if lab.get('tis') not in TIS:
                err(w, f'tis {lab.get("tis")!r} not in catalogue/stats')
            for a in lab.get('tis_alt', []):
                if a not in TIS:
                    err(w, f'tis_alt {a!r} not in catalogue/stats')
            text = r['title'] + '\n' + r['description']
            claims = bool(re.search(r'มอก|TIS', text))
            if lab['verdict'] == 'unverified' and not claims:
                err(w, 'unverified but no TIS claim in text')
            if re.search(r'[ทน]\s*\d+\s*-\s*\d+\s*/\s*\d+', text):
                err(w, 'looks like a licence number in text')
        if re.search(r'[ทน]\s*\d+\s*-\s*\d+\s*/\s*\d+', r.get('title', '') + r.get('description', '')):
            err(w, 'licence-number-like text')

# near-duplicate titles
titles = [(w, r['title']) for w, fn, r in rows]
norm = [re.sub(r'\s+', ' ', t.lower()) for _, t in titles]
dups = 0
for i in range(len(titles)):
    sm = difflib.SequenceMatcher(None, norm[i], autojunk=False)
    for j in range(i + 1, len(titles)):
        sm.set_seq1(norm[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            err(titles[i][0], f'near-duplicate title of {titles[j][0]}: {titles[i][1]!r} ~ {titles[j][1]!r}')
            dups += 1

# summary
by = collections.Counter()
ver = collections.Counter()
tis = collections.Counter()
desc = 0
plat = collections.Counter()
for w, fn, r in rows:
    by[(fn.split('_')[2].split('.')[0], r['label']['group'])] += 1
    ver[r['label']['verdict']] += 1
    plat[r['platform']] += 1
    if r['description'].strip():
        desc += 1
    if r['label']['tis']:
        tis[r['label']['tis']] += 1
for k, v in sorted(by.items()):
    print(f'{k[0]:10s} {k[1]:40s} {v}')
print('verdicts', dict(ver))
print('platforms', dict(plat))
print(f'records {len(rows)}  with description {desc} ({desc/len(rows):.0%})  distinct tis {len(tis)}  near-dups {dups}')
for e in errs:
    print('ERROR', e)
sys.exit(1 if errs else 0)
