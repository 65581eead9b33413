#!/usr/bin/env python3
"""Convert writer-3B hand-written compact lines into listing-v1 JSONL.
Line form (fields separated by ' | '):
 negatives : plat | title | desc | price | brand | cat | seller | cc | reason(optional)
 regulated : plat | title | desc | price | brand | cat | seller | cc | tis | verdict | reason | tis_alt(comma sep, optional)
'#G name | default reason' sets the group (and default reason) for following lines.
'\\n' in desc becomes a newline. Only non-text fields are added here (ids, currency, synthetic).
"""
import hashlib, json, sys, glob, os
PLAT = {'sp':'shopee','lz':'lazada','tt':'tiktok','tm':'temu','ln':'line','nn':'nocnoc','ot':'other'}
CAT = {
 'ha':'เครื่องใช้ไฟฟ้าภายในบ้าน > อะไหล่และอุปกรณ์เสริม', 'hak':'เครื่องใช้ไฟฟ้าภายในบ้าน > เครื่องใช้ไฟฟ้าในครัว',
 'hal':'เครื่องใช้ไฟฟ้าภายในบ้าน > เครื่องใช้ไฟฟ้าขนาดใหญ่', 'hs':'บ้านและสวน > เครื่องมือช่าง',
 'hh':'บ้านและสวน > ของใช้ในบ้าน', 'kit':'บ้านและสวน > ห้องครัวและอุปกรณ์', 'clean':'บ้านและสวน > อุปกรณ์ทำความสะอาด',
 'car':'ยานยนต์ > อะไหล่และอุปกรณ์เสริมรถยนต์', 'moto':'ยานยนต์ > อะไหล่และอุปกรณ์มอเตอร์ไซค์', 'tv':'ทีวี เครื่องเสียง > อุปกรณ์เสริมทีวี',
 'mob':'มือถือและอุปกรณ์เสริม > อุปกรณ์เสริม', 'com':'คอมพิวเตอร์และแล็ปท็อป > อุปกรณ์คอมพิวเตอร์', 'toy':'แม่และเด็ก > ของเล่น',
 'baby':'แม่และเด็ก > ของใช้เด็ก', 'beauty':'ความงามและของใช้ส่วนตัว', 'fash':'แฟชั่น > เครื่องประดับ', 'sport':'กีฬาและกิจกรรมกลางแจ้ง',
 'light':'บ้านและสวน > หลอดไฟและโคมไฟ', 'elec':'บ้านและสวน > อุปกรณ์ไฟฟ้า', 'build':'บ้านและสวน > วัสดุก่อสร้าง', 'pet':'สัตว์เลี้ยง',
 'st':'เครื่องเขียนและสำนักงาน', 'food':'อาหารและเครื่องดื่ม', 'game':'เกมและอุปกรณ์', 'bag':'กระเป๋าและเดินทาง', 'gas':'บ้านและสวน > ห้องครัวและอุปกรณ์ > เตาแก๊ส',
 'misc':'อื่นๆ',
}
def lid(plat, key):
    h = int(hashlib.sha1(key.encode()).hexdigest(), 16)
    if plat == 'shopee': return 'hn3b-%d.%d' % (h % 900000000 + 100000000, (h >> 40) % 90000000000 + 10000000000)
    if plat == 'lazada': return 'hn3b-%d' % ((h % 9000000000) + 1000000000)
    if plat == 'tiktok': return 'hn3b-17%017d' % (h % 10**17)
    if plat == 'temu': return 'hn3b-6010%011d' % (h % 10**11)
    if plat == 'line': return 'hn3b-LN%08X' % (h % 16**8)
    if plat == 'nocnoc': return 'hn3b-NN%07d' % (h % 10**7)
    return 'hn3b-X%010d' % (h % 10**10)
def conv(files, kind):
    out, seen = [], set()
    for fn in files:
        group, dreason = None, ''
        for ln, line in enumerate(open(fn, encoding='utf-8'), 1):
            line = line.rstrip('\n')
            if not line.strip(): continue
            if line.startswith('#G'):
                p = [x.strip() for x in line[2:].split('|')]
                group = p[0]; dreason = p[1] if len(p) > 1 else ''; continue
            if line.startswith('#'): continue
            f = [x.strip() for x in line.split('|')]
            need = 8 if kind == 'neg' else 11
            if len(f) < need: sys.exit('%s:%d bad field count %d: %s' % (fn, ln, len(f), line))
            plat = PLAT[f[0]]
            rec = {'platform': plat, 'listing_id': None, 'title': f[1], 'description': f[2].replace('\\n', '\n'),
                   'price': float(f[3]) if f[3] else None, 'currency': 'THB', 'brand': f[4],
                   'platform_category': CAT.get(f[5], f[5]),
                   'seller': {'id': 'hn3b-s' + hashlib.sha1(f[6].encode()).hexdigest()[:10], 'name': f[6], 'country': f[7] or 'TH'},
                   'synthetic': True}
            if rec['price'] is None: del rec['price']
            if kind == 'neg':
                reason = f[8] if len(f) > 8 and f[8] else dreason
                rec['label'] = {'regulated': False, 'tis': None, 'verdict': 'not_regulated', 'reason': reason, 'group': group}
            else:
                lab = {'regulated': True, 'tis': f[8] or None, 'verdict': f[9], 'reason': f[10] or dreason, 'group': group}
                if len(f) > 11 and f[11]: lab['tis_alt'] = [x.strip() for x in f[11].split(',')]
                rec['label'] = lab
            k = n = plat + f[1] + fn + str(ln)
            rec['listing_id'] = lid(plat, k)
            assert (plat, rec['listing_id']) not in seen
            seen.add((plat, rec['listing_id']))
            out.append(rec)
    return out
if __name__ == '__main__':
    d = os.path.dirname(os.path.abspath(__file__))
    for kind, pat, dst in [('neg', 'raw_neg_*.txt', 'part_b_negatives.jsonl'), ('reg', 'raw_reg_*.txt', 'part_b_regulated.jsonl')]:
        recs = conv(sorted(glob.glob(os.path.join(d, pat))), kind)
        with open(os.path.join(d, '..', dst), 'w', encoding='utf-8') as fh:
            for r in recs: fh.write(json.dumps(r, ensure_ascii=False) + '\n')
        print(dst, len(recs))
