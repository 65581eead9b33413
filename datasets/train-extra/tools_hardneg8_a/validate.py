import json, sys, os, difflib, csv
D=os.path.dirname(os.path.abspath(__file__))
stats={r[1].rsplit('-',1)[0] for r in csv.reader(open('/work/shared/data/tisi_licence_stats_2025_11.csv'))}
ids=set(); titles=[]; err=0; cnt={}
for fn in ['part_a_negatives.jsonl','part_a_regulated.jsonl']:
    for i,l in enumerate(open(os.path.join(D,'..',fn),encoding='utf-8')):
        r=json.loads(l)
        def bad(m):
            global err; err+=1; print(fn,i,m,r.get('title'))
        for k,t in [('platform',str),('listing_id',str),('title',str),('seller',dict),('label',dict)]:
            if not isinstance(r.get(k),t): bad('missing '+k)
        if 'price' in r and not (isinstance(r['price'],(int,float)) and r['price']>=0): bad('price')
        for k in ['description','brand','platform_category','currency']:
            if k in r and not isinstance(r[k],str): bad(k)
        if not isinstance(r['seller'].get('id'),str): bad('seller id')
        if not r['listing_id'].startswith('hn8a-'): bad('prefix')
        if (r['platform'],r['listing_id']) in ids: bad('dup id')
        ids.add((r['platform'],r['listing_id']))
        L=r['label']
        if L['verdict'] not in ('not_regulated','unverified','non_compliant'): bad('verdict')
        if L['regulated'] and L['tis'] not in stats: bad('tis '+str(L['tis']))
        for a in L.get('tis_alt',[]):
            if a not in stats: bad('tis_alt '+a)
        if not L['regulated'] and L['tis'] is not None: bad('neg tis')
        cnt[(fn[7:10],L['group'])]=cnt.get((fn[7:10],L['group']),0)+1
        titles.append(r['title'])
sm=difflib.SequenceMatcher
for i in range(len(titles)):
    for j in range(i+1,len(titles)):
        a,b=titles[i],titles[j]
        if abs(len(a)-len(b))>0.3*max(len(a),len(b)): continue
        s=sm(None,a,b)
        if s.real_quick_ratio()>0.85 and s.quick_ratio()>0.85 and s.ratio()>0.85: print('NEARDUP',a,'||',b); err+=1
for k in sorted(cnt): print(k,cnt[k])
print('records',len(titles),'errors',err)
