#!/usr/bin/env python3
"""One-off: spread records that were drafted as 'shopee' over the other marketplaces (deterministic by title hash).
Only the platform column changes (it decides the listing_id shape); no listing text is touched."""
import glob, hashlib, os
HERE = os.path.dirname(os.path.abspath(__file__))
home = ('วัสดุก่อสร้าง', 'ประปา', 'บ้าน', 'เครื่องมือ', 'Home')
for p in sorted(glob.glob(os.path.join(HERE, '[nctr][0-9]*.txt'))):
    L = open(p, encoding='utf-8').read().split('\n')
    for i, l in enumerate(L):
        if not l: continue
        f = l.split('|')
        if f[1] != 'shopee': continue
        x = int(hashlib.md5(f[2].encode()).hexdigest(), 16) % 100
        cat, cc = f[6], f[8]
        if x < 52: new = 'shopee'
        elif x < 72: new = 'lazada'
        elif x < 88: new = 'tiktok'
        elif x < 92: new = 'temu' if cc == 'CN' else 'lazada'
        elif x < 95: new = 'line' if cc == 'TH' else 'shopee'
        elif x < 98: new = 'nocnoc' if cat.startswith(home) and cc == 'TH' else 'tiktok'
        else: new = 'other'
        f[1] = new; L[i] = '|'.join(f)
    open(p, 'w', encoding='utf-8').write('\n'.join(L))
