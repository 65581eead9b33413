import json, hashlib, sys, glob, difflib, re
PF = {'s':'shopee','l':'lazada','t':'tiktok','n':'line','c':'nocnoc','m':'temu','o':'other'}
NEG_REASON = {
 'fan_parts':'spare part/cover/cleaner for an electric fan; not itself a fan',
 'ricecooker_parts':'non-electrical part or accessory of a rice cooker; not a rice cooker',
 'kettle_care':'descaler/part/accessory for kettles or thermo pots; not an appliance',
 'microwave_acc':'cover/part/accessory for a microwave oven; not an oven nor a food container',
 'cookware_acc':'wood/bamboo/silicone/stainless/cast-iron kitchen tool; material not covered by a mandatory food-contact standard',
 'washer_acc':'cover/stand/hose/filter/cleaner for a washing machine or dryer; not the appliance',
 'fridge_acc':'seal/organiser/accessory for a refrigerator (non-plastic or non-food-contact); not a refrigerator',
 'aircon_acc':'cover/bracket/cleaner/filter for an air conditioner; not the appliance',
 'waterheater_acc':'bathroom accessory around a water heater; not a heater, shower head or faucet',
 'iron_acc':'ironing board/cover/accessory; not an electric iron',
 'helmet_acc':'part/lock/sticker/cleaner for a helmet; not a helmet',
 'powerstrip_acc':'organiser/cover/clip for power strips or cables; no plug, socket or cord',
 'lampshade':'decorative shade only; no lampholder, wiring or lamp',
 'tyre_acc':'tyre accessory/tool; not a tyre or inner tube',
 'lpg_acc':'accessory around an LPG cylinder (clamp, stand, cover); not a cylinder, regulator or hose',
 'battery_org':'storage/accessory for batteries; no cells included',
 'kids_storage':'children\'s furniture or toy storage; not a toy',
 'stroller_acc':'stroller accessory; no mandatory standard',
 'charger_acc':'case/organiser for chargers or power banks; not the device',
 'phone_stand':'non-electric phone/tablet stand',
 'hairdryer_acc':'non-electric accessory for hair appliances',
 'purifier_acc':'replacement filter/cover for an air purifier; not the appliance',
 'dispenser_acc':'stand/cover/cleaner for a water dispenser; not the dispenser',
 'pwasher_acc':'non-electric nozzle/hose/brush/chemical for a pressure washer',
 'airfryer_acc':'paper/silicone/foil/metal accessory for fryers; not plastic food-contact nor an appliance',
 'baby_feed_acc':'accessory for feeding bottles/pacifiers; not a nipple or pacifier',
 'tile_cement_tools':'tool or accessory for tiling/concrete work; not tiles, cement or steel',
 'glass_acc':'film, cleaner or tool for glass; not glass',
 'massager_acc':'cover/attachment/bag for a massager; not the appliance',
 'tv_av_acc':'mount/cover/stand for AV/ICT equipment; not the equipment',
 'tis_claim_unreg':'product not under any mandatory standard; seller TIS claim is marketing',
}
def ids(i, pf, key):
    h = hashlib.sha1(key.encode()).hexdigest()
    n = int(h[:15],16)
    if pf=='shopee': return f"hn2a-{100000000+n%899999999}.{20000000000+n%9999999999}"
    if pf=='lazada': return f"hn2a-i{3000000000+n%999999999}-s{10000000000+(n//7)%9999999999}"
    if pf=='tiktok': return f"hn2a-1729{n%10**15:015d}"
    if pf=='temu': return f"hn2a-6010{n%10**11:011d}"
    if pf=='nocnoc': return f"hn2a-NC{n%10**8:08d}"
    if pf=='line': return f"hn2a-{h[:12]}"
    return f"hn2a-x{h[:10]}"
def conv(files, regulated):
    out=[]
    for fn in files:
        for ln,line in enumerate(open(fn,encoding='utf-8')):
            line=line.rstrip('\n')
            if not line.strip(): continue
            p=line.split('|')
            if len(p)<10: p+=['']*(10-len(p))
            if len(p)>10: raise SystemExit(f'{fn}:{ln+1} too many fields: {line}')
            grp,pf,title,desc,price,brand,cat,seller,cc,extra=p
            pf=PF[pf]
            rec={'platform':pf,'listing_id':ids(ln,pf,fn+str(ln)+title),'title':title}
            if desc!='-' and desc: rec['description']=desc.replace('\\n','\n')
            rec['price']=float(price) if '.' in price else int(price)
            rec['currency']='THB'
            if brand not in ('-',''): rec['brand']=brand
            if cat not in ('-',''): rec['platform_category']=cat
            rec['seller']={'id':'sel-'+hashlib.sha1(seller.encode()).hexdigest()[:12],'name':seller,'country':cc}
            rec['synthetic']=True
            if regulated:
                q=extra.split(';')
                tis,verdict,reason=q[0],q[1],q[2]
                lab={'regulated':True,'tis':tis or None,'verdict':verdict,'reason':reason,'group':grp}
                if len(q)>3 and q[3]: lab['tis_alt']=q[3].split(',')
                assert verdict in ('non_compliant','unverified'),line
                claim=bool(re.search(r'มอก|TIS',title+desc))
                if claim != (verdict=='unverified'): print('VERDICT?',fn,ln+1,title,file=sys.stderr)
            else:
                reason=extra or NEG_REASON[grp]
                lab={'regulated':False,'tis':None,'verdict':'not_regulated','reason':reason,'group':grp}
            rec['label']=lab
            out.append(rec)
    return out
neg=conv(sorted(glob.glob('n*.txt')),False)
reg=conv(sorted(glob.glob('r*.txt')),True)
for name,recs in (('part_a_negatives.jsonl',neg),('part_a_regulated.jsonl',reg)):
    with open('../'+name,'w',encoding='utf-8') as f:
        for r in recs: f.write(json.dumps(r,ensure_ascii=False)+'\n')
print(len(neg),len(reg))
