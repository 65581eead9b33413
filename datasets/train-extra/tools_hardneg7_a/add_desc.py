#!/usr/bin/env python3
"""One-off helper: put hand-written descriptions (desc_*.txt, 'file:line|text') into the empty description
field of the one-line sources. Run once per desc file; refuses to overwrite an existing description."""
import sys
for patch in sys.argv[1:]:
    edits = {}
    for l in open(patch, encoding='utf-8'):
        l = l.rstrip('\n')
        if not l or l.startswith('#'): continue
        loc, text = l.split('|', 1)
        fn, ln = loc.split(':'); edits.setdefault(fn, {})[int(ln)] = text
    for fn, ed in edits.items():
        L = open(fn, encoding='utf-8').read().split('\n')
        for ln, text in ed.items():
            p = L[ln - 1].split('|')
            assert not L[ln - 1].startswith(('#', '@')), (fn, ln)
            assert p[3] == '', (fn, ln, 'already has a description')
            assert '|' not in text
            p[3] = text; L[ln - 1] = '|'.join(p)
        open(fn, 'w', encoding='utf-8').write('\n'.join(L))
    print(patch, sum(len(e) for e in edits.values()))
