#!/usr/bin/env python3
"""Apply hand-written title rewrites (edits_titles.txt) and added descriptions (edits_desc.txt) to the sources."""
import glob, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
def load(fn):
    out = []
    p = os.path.join(HERE, fn)
    if not os.path.exists(p): return out
    for l in open(p, encoding='utf-8'):
        l = l.rstrip('\n')
        if ' => ' in l:
            a, b = l.split(' => ', 1); out.append((a.strip(), b.strip()))
    return out
T, D = load('edits_titles.txt'), load('edits_desc.txt')
used = set()
for p in sorted(glob.glob(os.path.join(HERE, 'neg_*.txt')) + glob.glob(os.path.join(HERE, 'reg_*.txt'))):
    lines = open(p, encoding='utf-8').read().split('\n'); ch = False
    for i, l in enumerate(lines):
        if not l.strip() or l.startswith('#'): continue
        f = l.split(' | ')
        for k, (a, b) in enumerate(T):
            if f[1].startswith(a) and f[1] != b:
                f[1] = b; used.add(('T', k)); ch = True
            elif f[1] == b: used.add(('T', k))
        for k, (a, b) in enumerate(D):
            if f[1].startswith(a):
                used.add(('D', k))
                if f[2].strip() == '-': f[2] = b; ch = True
        lines[i] = ' | '.join(f)
    if ch: open(p, 'w', encoding='utf-8').write('\n'.join(lines))
miss = [a for k, (a, b) in enumerate(T) if ('T', k) not in used] + [a for k, (a, b) in enumerate(D) if ('D', k) not in used]
print('unmatched:', miss)
