#!/usr/bin/env python3
"""Check listing-v1 required fields/types, label shape, id prefix/uniqueness, and near-duplicate titles (difflib > 0.85)."""
import json, sys, difflib, os, re, csv
d=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cat=set()
for fn in ['/work/shared/data/tisi_mandatory_standards.csv','/work/shared/data/tisi_licence_stats_2025_11.csv']:
    for r in csv.reader(open(fn,encoding='utf-8')):
        k=r[0] if 'mandatory' in fn else re.sub(r'-\d{4}$','',r[1]); cat.add(k.strip())
errs=[]; titles=[]; ids=set()
for fn in ['part_a_negatives.jsonl','part_a_regulated.jsonl']:
    for i,l in enumerate(open(os.path.join(d,fn),encoding='utf-8'),1):
        x=json.loads(l); w=f"{fn}:{i}"
        for k,t in [('platform',str),('listing_id',str),('title',str),('seller',dict),('synthetic',bool),('label',dict)]:
            if not isinstance(x.get(k),t): errs.append(f"{w} {k}")
        for k,t in [('description',str),('brand',str),('platform_category',str),('currency',str)]:
            if k in x and not isinstance(x[k],t): errs.append(f"{w} {k} type")
        if 'price' in x and (not isinstance(x['price'],(int,float)) or x['price']<0): errs.append(f"{w} price")
        s=x['seller']
        if not isinstance(s.get('id'),str) or not s['id'] or not isinstance(s.get('country'),str) or len(s['country'])!=2: errs.append(f"{w} seller")
        if not x['listing_id'].startswith('hn11a-'): errs.append(f"{w} prefix")
        if (x['platform'],x['listing_id']) in ids: errs.append(f"{w} dup id")
        ids.add((x['platform'],x['listing_id']))
        L=x['label']
        if fn.startswith('part_a_neg'):
            if L!={"regulated":False,"tis":None,"verdict":"not_regulated","reason":L.get('reason'),"group":L.get('group')} or not L.get('reason'): errs.append(f"{w} neg label")
        else:
            if L.get('regulated') is not True or L.get('verdict') not in ('non_compliant','unverified') or L.get('tis') not in cat: errs.append(f"{w} reg label {L}")
            for a in L.get('tis_alt',[]):
                if a not in cat: errs.append(f"{w} alt {a}")
            text=x['title']+' '+x.get('description','')
            claims=bool(re.search(r'มอก|TIS',text)) and not re.search(r'ไม่มี(สติ๊กเกอร์ )?มอก',text)
            if claims != (L['verdict']=='unverified'): errs.append(f"{w} verdict/claim mismatch: {x['title']}")
        titles.append((w,x['title']))
norm=lambda t: re.sub(r'\s+',' ',t.lower())
nd=[]
for i in range(len(titles)):
    a=norm(titles[i][1]); sm=difflib.SequenceMatcher(None,a,autojunk=False)
    for j in range(i+1,len(titles)):
        b=norm(titles[j][1]); sm.set_seq2(b)
        if sm.real_quick_ratio()>0.85 and sm.quick_ratio()>0.85 and sm.ratio()>0.85: nd.append((titles[i],titles[j],round(sm.ratio(),3)))
print("records",len(titles),"errors",len(errs)); [print(e) for e in errs[:50]]
print("near-dups",len(nd)); [print(n) for n in nd]
sys.exit(1 if errs or nd else 0)
