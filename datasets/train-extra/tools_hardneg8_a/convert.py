import json, hashlib, sys, glob, os
D=os.path.dirname(os.path.abspath(__file__))
neg=open(os.path.join(D,'..','part_a_negatives.jsonl'),'w',encoding='utf-8')
reg=open(os.path.join(D,'..','part_a_regulated.jsonl'),'w',encoding='utf-8')
seen=set()
def lid(pf,n,h):
    x=int(h[:12],16)
    if pf=='shopee': return f"hn8a-{x%900000000+100000000}.{n:05d}{x%97}"
    if pf=='lazada': return f"hn8a-i{x%9000000000+1000000000}-s{n:06d}"
    if pf=='tiktok': return f"hn8a-1729{x%10**12:012d}{n:03d}"
    if pf=='temu': return f"hn8a-6017{x%10**9:09d}{n:03d}"
    return f"hn8a-{pf}-{n:05d}{x%1000:03d}"
n=0
for fn in sorted(glob.glob(os.path.join(D,'src_*.txt'))):
    for ln,line in enumerate(open(fn,encoding='utf-8'),1):
        line=line.rstrip('\n')
        if not line.strip() or line.startswith('#'): continue
        f=line.split('|')
        kind=f[0]
        try:
            if kind=='N': _,g,pf,t,d,p,b,c,s,cc,reason=f
            else: _,g,pf,t,d,p,b,c,s,cc,tis,v,reason=f
        except ValueError:
            sys.exit(f"bad field count {fn}:{ln}: {len(f)} {line[:80]}")
        n+=1
        h=hashlib.sha1(f"{fn}{ln}{t}".encode()).hexdigest()
        r={"platform":pf,"listing_id":lid(pf,n,h),"title":t.strip()}
        if d.strip(): r["description"]=d.replace('\\n','\n').strip()
        if p.strip(): r["price"]=float(p) if '.' in p else int(p)
        r["currency"]="THB"
        if b.strip(): r["brand"]=b.strip()
        if c.strip(): r["platform_category"]=c.strip()
        s=s.strip() or 'shop'
        r["seller"]={"id":"s"+hashlib.sha1(s.encode()).hexdigest()[:10],"name":s,"country":cc.strip() or 'TH'}
        r["synthetic"]=True
        if kind=='N':
            r["label"]={"regulated":False,"tis":None,"verdict":"not_regulated","reason":reason.strip(),"group":g.strip()}
            neg.write(json.dumps(r,ensure_ascii=False)+'\n')
        else:
            L={"regulated":True,"tis":tis.split(';')[0].strip() or None,"verdict":v.strip(),"reason":reason.strip(),"group":g.strip()}
            if ';' in tis: L["tis_alt"]=[x.strip() for x in tis.split(';')[1:]]
            r["label"]=L
            reg.write(json.dumps(r,ensure_ascii=False)+'\n')
