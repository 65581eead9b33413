#!/usr/bin/env python3
"""One-time helper: fill empty description fields in src_*.txt from desc_patch_b.txt (file:line || text).
Refuses to overwrite an existing description."""
import os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
patches = {}
for raw in open(os.path.join(HERE, 'desc_patch_b.txt'), encoding='utf-8'):
    if '||' not in raw:
        continue
    key, text = raw.split('||', 1)
    f, ln = key.strip().split(':')
    patches.setdefault(f, {})[int(ln)] = text.strip()
for f, lines in patches.items():
    path = os.path.join(HERE, f'src_{f}.txt')
    src = open(path, encoding='utf-8').read().split('\n')
    for ln, text in lines.items():
        line = src[ln - 1]
        reg = line.startswith('R ')
        body = line[2:] if reg else line
        parts = body.split('|')
        if parts[2].strip():
            sys.exit(f'{f}:{ln} already has a description')
        parts[2] = f' {text} '
        src[ln - 1] = ('R ' if reg else '') + '|'.join(parts)
    open(path, 'w', encoding='utf-8').write('\n'.join(src))
print('patched', sum(len(v) for v in patches.values()))
