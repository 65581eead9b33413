"""Convert hand-written compact lines (tools_a/*.txt) to listing-v1 JSONL.
Adds only non-text fields: listing_id (platform-shaped, prefix hn5a-), seller id (hash of seller name),
currency THB, synthetic true, label. Titles/descriptions are copied as written ('~' = line break)."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {'s': 'shopee', 'l': 'lazada', 't': 'tiktok', 'n': 'line', 'c': 'nocnoc', 'm': 'temu', 'o': 'other'}

def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def lid(plat, key):
    if plat == 'shopee':
        return f"hn5a-{h(key+'a', 5):05d}{h(key+'b', 6):06d}"[:16]
    if plat == 'lazada':
        return f"hn5a-i{h(key+'a', 10):010d}-s{h(key+'b', 11):011d}"
    if plat == 'tiktok':
        return f"hn5a-17{h(key+'a', 17):017d}"
    if plat == 'temu':
        return f"hn5a-6010{h(key+'a', 11):011d}"
    if plat == 'nocnoc':
        return f"hn5a-{h(key+'a', 8):08d}"
    return f"hn5a-{hashlib.sha1(key.encode()).hexdigest()[:12]}"

def sid(plat, name):
    return f"{plat}-{hashlib.sha1(name.encode()).hexdigest()[:10]}"

def parse(pattern, regulated):
    recs = []
    for path in sorted(glob.glob(os.path.join(HERE, pattern))):
        group = reason = None
        for ln, line in enumerate(open(path, encoding='utf-8'), 1):
            line = line.rstrip('\n').rstrip()
            if not line:
                continue
            if line.startswith('@'):
                group, reason = [x.strip() for x in line[1:].split('|', 1)]
                continue
            if line.endswith(' |'):
                line = line[:-2]
            f = line.split(' | ')
            need = 10 if regulated else 8
            if len(f) < need or len(f) > (11 if regulated else 8):
                sys.exit(f"{path}:{ln}: {len(f)} fields: {line}")
            f = [x.strip() for x in f]
            plat = PLAT[f[0]]
            key = f"{os.path.basename(path)}:{ln}:{f[1]}"
            r = {'platform': plat, 'listing_id': lid(plat, key), 'title': f[1]}
            if f[2]:
                r['description'] = f[2].replace('~', '\n')
            r['price'] = float(f[3]) if '.' in f[3] else int(f[3])
            r['currency'] = 'THB'
            if f[4] and f[4] != '-':
                r['brand'] = f[4]
            r['platform_category'] = f[5]
            r['seller'] = {'id': sid(plat, f[6]), 'name': f[6], 'country': f[7]}
            r['synthetic'] = True
            if regulated:
                tis, v = f[8], f[9]
                alt = [a.strip() for a in f[10].split(';')] if len(f) > 10 and f[10] else []
                verdict = {'N': 'non_compliant', 'U': 'unverified'}[v]
                why = ('listing claims มอก./TIS conformity but shows no licence number' if v == 'U'
                       else 'listing shows no TIS mark or licence')
                lab = {'regulated': True, 'tis': tis, 'verdict': verdict,
                       'reason': f"{reason} (TIS {tis}); {why}", 'group': group}
                if alt:
                    lab['tis_alt'] = alt
            else:
                lab = {'regulated': False, 'tis': None, 'verdict': 'not_regulated', 'reason': reason, 'group': group}
            r['label'] = lab
            recs.append(r)
    return recs

neg = parse('neg*.txt', False) + parse('acc*.txt', False)
reg = parse('reg*.txt', True)
ids = set()
for r in neg + reg:
    k = (r['platform'], r['listing_id'])
    assert k not in ids, k
    ids.add(k)
for name, recs in (('part_a_negatives.jsonl', neg), ('part_a_regulated.jsonl', reg)):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + '\n')
print(len(neg), len(reg))
