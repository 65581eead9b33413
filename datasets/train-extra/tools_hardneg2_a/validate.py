import json, sys, difflib, collections
PFS={'shopee','lazada','tiktok','line','nocnoc','temu','other'}
VERD={'not_regulated','compliant','unverified','non_compliant'}
allrecs=[]
for fn in ['../part_a_negatives.jsonl','../part_a_regulated.jsonl']:
    for i,l in enumerate(open(fn,encoding='utf-8')):
        r=json.loads(l); allrecs.append(r)
        e=[]
        for k,t in [('platform',str),('listing_id',str),('title',str),('seller',dict),('label',dict)]:
            if not isinstance(r.get(k),t): e.append('missing/type '+k)
        if r.get('platform') not in PFS: e.append('platform')
        if not r['listing_id'].startswith('hn2a-'): e.append('prefix')
        if 'description' in r and not isinstance(r['description'],str): e.append('desc')
        if 'price' in r and (not isinstance(r['price'],(int,float)) or r['price']<0): e.append('price')
        for k in ('currency','brand','platform_category'):
            if k in r and not isinstance(r[k],str): e.append(k)
        s=r['seller']
        if not isinstance(s.get('id'),str) or not s['id']: e.append('seller.id')
        if 'country' in s and not (isinstance(s['country'],str) and len(s['country'])==2): e.append('country')
        if r.get('synthetic') is not True: e.append('synthetic')
        L=r['label']
        if L.get('verdict') not in VERD: e.append('verdict')
        if L['verdict']=='not_regulated' and (L['tis'] is not None or L['regulated']): e.append('neg label')
        if L['verdict']!='not_regulated' and (not L['regulated']): e.append('reg label')
        if e: print(fn,i+1,e)
keys=[(r['platform'],r['listing_id']) for r in allrecs]
print('dup ids',len(keys)-len(set(keys)))
titles=[r['title'] for r in allrecs]
n=0
for i in range(len(titles)):
    for j in range(i+1,len(titles)):
        a,b=titles[i],titles[j]
        sm=difflib.SequenceMatcher(None,a,b)
        if sm.real_quick_ratio()>0.85 and sm.quick_ratio()>0.85 and sm.ratio()>0.85:
            print('NEAR',round(sm.ratio(),2),a,'||',b); n+=1
print('near dups',n, 'records',len(allrecs))
