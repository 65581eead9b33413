#!/usr/bin/env python3
"""One-off: bake hand-written descriptions (desc_patch_*.txt, 'file:line|desc') into the compact batch files."""
import collections, glob, os
HERE = os.path.dirname(os.path.abspath(__file__))
patch = collections.defaultdict(dict)
for p in sorted(glob.glob(os.path.join(HERE, 'desc_patch_*.txt'))):
    for line in open(p, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line: continue
        key, desc = line.split('|', 1)
        f, n = key.split(':'); patch[f][int(n)] = desc
for f, m in patch.items():
    path = os.path.join(HERE, f); L = open(path, encoding='utf-8').read().split('\n')
    for n, d in m.items():
        fs = L[n - 1].split('|')
        assert fs[3] == '', (f, n, 'already has description')
        assert '|' not in d
        fs[3] = d; L[n - 1] = '|'.join(fs)
    open(path, 'w', encoding='utf-8').write('\n'.join(L))
print(sum(len(m) for m in patch.values()), 'descriptions applied')
