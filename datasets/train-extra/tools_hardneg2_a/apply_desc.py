import glob,sys
def apply(addfile, pattern):
    adds=[l.rstrip('\n').split('|') for l in open(addfile,encoding='utf-8') if l.strip()]
    files={fn:open(fn,encoding='utf-8').read().split('\n') for fn in sorted(glob.glob(pattern))}
    for a in adds:
        pre,desc=a[0],a[1]; alt=a[2] if len(a)>2 else ''
        hits=[(fn,i) for fn,L in files.items() for i,l in enumerate(L) if l and l.split('|')[2].startswith(pre)]
        if len(hits)!=1: print('MATCH',len(hits),pre); continue
        fn,i=hits[0]; p=files[fn][i].split('|')
        if p[3] not in ('-',''): print('HASDESC',pre); continue
        p[3]=desc
        if alt:
            q=p[9].split(';')
            if len(q)<4: q.append(alt)
            else: q[3]=q[3]+','+alt if q[3] else alt
            p[9]=';'.join(q)
        files[fn][i]='|'.join(p)
    for fn,L in files.items(): open(fn,'w',encoding='utf-8').write('\n'.join(L))
apply('desc_add_neg.txt','n*.txt')
apply('desc_add_reg.txt','r*.txt')
