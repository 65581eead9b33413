#!/usr/bin/env python3
"""Convert hand-written compact lines (src_*.txt) into listing-v1 JSONL.
Line format:  plat|title|description|price|brand|seller|country[|category][|label]
Directives:   @g GROUP   @c CATEGORY   @r REASON (default for negatives)
              @l N   or  @l R:TIS[;ALT...]:nc|u[:reason]   (default label)
label override field: N:reason   or  R:TIS[;ALT]:nc|u:reason
'\\n' in description = newline. Empty price -> omitted. Converter adds only ids, currency, synthetic."""
import hashlib, json, re, sys, glob, os
PL = {'s':'shopee','l':'lazada','t':'tiktok','ln':'line','n':'nocnoc','tm':'temu','o':'other'}
def h(s, n): return int(hashlib.sha1(s.encode()).hexdigest(), 16) % (10**n)
def lid(plat, key):
    if plat=='shopee': return f"hn11a-{h(key,11):011d}"
    if plat=='lazada': return f"hn11a-i{h(key,9):09d}-s{h(key+'s',10):010d}"
    if plat=='tiktok': return f"hn11a-17{h(key,17):017d}"
    if plat=='temu': return f"hn11a-6010{h(key,11):011d}"
    if plat=='line': return f"hn11a-line-{h(key,8):08d}"
    if plat=='nocnoc': return f"hn11a-NC{h(key,9):09d}"
    return f"hn11a-o{h(key,10):010d}"
def parse_label(s, dreason, group):
    p = s.split(':')
    if p[0]=='N':
        r = ':'.join(p[1:]).strip() or dreason
        return {"regulated":False,"tis":None,"verdict":"not_regulated","reason":r,"group":group}
    tis = p[1].split(';'); v = p[2].strip(); r = ':'.join(p[3:]).strip()
    lab = {"regulated":True,"tis":tis[0].strip(),"verdict":{"nc":"non_compliant","u":"unverified"}[v],
           "reason": r or ("claims มอก. without licence number" if v=='u' else "regulated product, no TIS evidence shown"),"group":group}
    if len(tis)>1: lab["tis_alt"]=[t.strip() for t in tis[1:]]
    return lab
def conv(files, out):
    recs=[]; seen=set()
    for f in files:
        g=c=r=None; dl='N'
        for ln_no, line in enumerate(open(f, encoding='utf-8'),1):
            line=line.rstrip('\n')
            if not line.strip() or line.startswith('#'): continue
            if line.startswith('@g '): g=line[3:].strip(); continue
            if line.startswith('@c '): c=line[3:].strip(); continue
            if line.startswith('@r '): r=line[3:].strip(); continue
            if line.startswith('@l '):
                dl=line[3:].strip(); continue
            p=line.split('|')
            if len(p)<7: sys.exit(f"{f}:{ln_no}: too few fields: {line}")
            plat=PL[p[0].strip()]; title=p[1].strip(); desc=p[2].strip().replace('\\n','\n')
            extra=[x.strip() for x in p[7:]]
            labx=[x for x in extra if re.match(r'^(N|R):',x)]
            catx=[x for x in extra if x and not re.match(r'^(N|R):',x)]
            if len(labx)>1 or len(catx)>1: sys.exit(f"{f}:{ln_no}: bad extra fields")
            cat = catx[0] if catx else c
            labs = labx[0] if labx else dl
            lab=parse_label(labs, r, g)
            key=f"{f}:{ln_no}:{title}"
            rec={"platform":plat,"listing_id":lid(plat,key),"title":title}
            if desc: rec["description"]=desc
            if p[3].strip(): rec["price"]=float(p[3]) if '.' in p[3] else int(p[3])
            rec["currency"]="THB"
            if p[4].strip(): rec["brand"]=p[4].strip()
            if cat: rec["platform_category"]=cat
            sn=p[5].strip(); rec["seller"]={"id":f"sel-{h(sn,10):010d}","name":sn,"country":p[6].strip()}
            rec["synthetic"]=True; rec["label"]=lab
            assert (plat,rec["listing_id"]) not in seen; seen.add((plat,rec["listing_id"]))
            recs.append(rec)
    with open(out,'w',encoding='utf-8') as fo:
        for x in recs: fo.write(json.dumps(x,ensure_ascii=False)+'\n')
    print(out, len(recs))
if __name__=='__main__':
    d=os.path.dirname(os.path.abspath(__file__)); o=os.path.dirname(d)
    conv(sorted(glob.glob(f"{d}/src_neg_*.txt")), f"{o}/part_a_negatives.jsonl")
    conv(sorted(glob.glob(f"{d}/src_reg_*.txt")), f"{o}/part_a_regulated.jsonl")
