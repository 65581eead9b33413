#!/usr/bin/env python3
"""Merge hand-written descriptions / platform changes (desc_add_*.txt: title-substring|description|platform) into raw files."""
import glob
adds = {}
for fn in sorted(glob.glob('desc_add_*.txt')):
    for l in open(fn, encoding='utf-8'):
        l = l.rstrip('\n')
        if not l: continue
        f = (l.split('|') + ['', ''])[:3]
        k, d, p = f
        if d or p:
            old = adds.get(k, ('', ''))
            adds[k] = (d or old[0], p or old[1])
pm = {'tiktok': 'tt', 'line': 'line', 'nocnoc': 'nn', 'facebook': 'fb'}
used = set()
for fn in sorted(glob.glob('raw_*.txt')):
    L = open(fn, encoding='utf-8').read().split('\n'); out = []
    for l in L:
        if l:
            f = l.split('|')
            hits = [k for k in adds if k in f[2]]
            if len(hits) > 1: print('MULTI', hits)
            if hits:
                k = hits[0]
                if k in used: print('DUPKEY', k)
                used.add(k); d, p = adds[k]
                if d and not f[3]: f[3] = d
                if p: f[1] = pm[p]
                l = '|'.join(f)
        out.append(l)
    open(fn, 'w', encoding='utf-8').write('\n'.join(out))
print('unused', [k for k in adds if k not in used])
