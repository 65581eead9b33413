#!/usr/bin/env python3
"""One-off: fill empty description fields in the hand-written source files from desc_neg.txt / desc_reg.txt
(title substring || hand-written description). Each key must match exactly one line with an empty description."""
import glob, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
for descf, pat in (('desc_neg.txt', 'neg_*.txt'), ('desc_reg.txt', 'reg_*.txt')):
    pairs = [l.rstrip('\n').split('||', 1) for l in open(os.path.join(HERE, descf), encoding='utf-8') if l.strip()]
    files = {p: open(p, encoding='utf-8').read().split('\n') for p in sorted(glob.glob(os.path.join(HERE, pat)))}
    for key, desc in pairs:
        hits = []
        for p, lines in files.items():
            for i, l in enumerate(lines):
                f = l.split('|')
                if len(f) > 3 and not l.startswith('#') and key in f[2]:
                    hits.append((p, i))
        if len(hits) != 1:
            sys.exit(f'{descf}: key {key!r} matched {len(hits)}')
        p, i = hits[0]
        f = files[p][i].split('|')
        if f[3] == '':
            f[3] = desc
            files[p][i] = '|'.join(f)
    for p, lines in files.items():
        open(p, 'w', encoding='utf-8').write('\n'.join(lines))
print('ok')
