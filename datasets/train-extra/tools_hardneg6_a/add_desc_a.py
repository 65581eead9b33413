#!/usr/bin/env python3
"""Apply hand-written descriptions (desc_*.txt: 'title substring<TAB>description') to empty description fields of src_*.txt."""
import glob, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
files = {p: open(p, encoding='utf-8').read().split('\n') for p in sorted(glob.glob(os.path.join(HERE, 'src_*.txt')))}
n = 0
for dp in sorted(glob.glob(os.path.join(HERE, 'desc_*.txt'))):
    for ln in open(dp, encoding='utf-8'):
        ln = ln.rstrip('\n')
        if not ln.strip(): continue
        key, desc = ln.split('\t')
        hits = [(p, i) for p, L in files.items() for i, l in enumerate(L) if l.count('|') >= 11 and key in l.split('|')[2]]
        if len(hits) != 1: sys.exit('key %r matched %d' % (key, len(hits)))
        p, i = hits[0]; f = files[p][i].split('|')
        if f[3].strip(): continue
        f[3] = desc; files[p][i] = '|'.join(f); n += 1
for p, L in files.items(): open(p, 'w', encoding='utf-8').write('\n'.join(L))
print('descriptions added', n)
