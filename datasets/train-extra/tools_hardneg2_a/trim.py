import glob, collections
lines=[]
for fn in sorted(glob.glob('r*.txt')):
    for l in open(fn,encoding='utf-8'):
        if l.strip(): lines.append((fn,l))
by=collections.defaultdict(list)
for fn,l in lines: by[l.split('|')[9].split(';')[0]].append((fn,l))
keep=set()
for t,L in by.items():
    n=len(L); cap = 3 if n>=4 else (2 if n==3 else n)
    unv=[x for x in L if ';unverified;' in x[1]]
    oth=[x for x in L if ';unverified;' not in x[1]]
    chosen=(unv[:1]+oth)[:cap] if unv else oth[:cap]
    if unv and cap>=3: chosen=unv[:1]+oth[:cap-1]
    keep.update(chosen)
dropped=[x for x in lines if x not in keep]
open('dropped_regulated.txt','w',encoding='utf-8').writelines(l for fn,l in dropped)
for fn in sorted(glob.glob('r*.txt')):
    ls=[l for f,l in lines if f==fn and (f,l) in keep]
    open(fn,'w',encoding='utf-8').writelines(ls)
print(len(keep),len(dropped))
