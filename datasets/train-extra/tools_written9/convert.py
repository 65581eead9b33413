#!/usr/bin/env python3
"""Convert the hand-written compact batches (neg_*.txt, reg_*.txt) to listing-v1 JSONL.
Adds only fields that do not change listing text: listing_id, seller id, currency, synthetic.
Compact line: platform|title|desc|price|brand|category|seller|country|<label fields>
  negatives: ...|reason-or-code
  regulated: ...|tis|n/u|reason phrase|tis_alt (';'-separated)
'~' or empty = field absent; '\\n' in desc = newline. '## name' starts a group."""
import hashlib, json, glob, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {"sh": "shopee", "lz": "lazada", "tt": "tiktok", "tm": "temu", "ln": "line", "nc": "nocnoc", "ot": "other"}
NEG_CODES = {
    "acc": "Vehicle accessory/part with no mandatory TIS",
    "care": "Car care product/chemical, no mandatory TIS",
    "deco": "Decoration/sticker, not a regulated product",
    "hmacc": "Helmet accessory, not a complete motorcycle helmet (TIS 369)",
    "tyacc": "Tyre accessory, not a tyre or inner tube",
    "bike": "Bicycle tyre/tube; TIS 2720/683 cover motorcycles and mopeds only",
    "stl": "Finished steel product (furniture/fixture), not a regulated steel mill product",
    "hw": "Hardware item with no mandatory TIS",
    "pipe": "Pipe/fitting of a material not under TIS 17 (PVC drinking-water pipe)",
    "paint": "Water-based paint/coating, not alkyd enamel (TIS 2625) or thinner",
    "glue": "Adhesive/sealant/tape, no mandatory TIS",
    "usb": "Bus-powered USB accessory, not a mains charger/adapter, power bank or mains IT equipment",
    "batcase": "Empty battery holder/case with no cells",
    "meter": "Battery-powered tester/meter, no mandatory TIS",
    "pack": "Food packaging of paper/bagasse/aluminium/glass/wood, not plastic",
    "ware": "Tableware of ceramic/glass/wood/metal, not plastic/melamine/fluoropolymer-coated",
    "box": "Empty retail box or manual only, not the appliance",
    "broken": "Broken second-hand appliance sold as scrap/for parts",
    "part": "Non-electrical spare part, not the appliance",
    "apparel": "Riding apparel, no mandatory TIS",
}
NEG_HINT = (" not ", "no ", "No ", "TIS", " only", "without", "empty", "Empty", "no mandatory")

def h(s, n):
    return int(hashlib.sha1(s.encode()).hexdigest(), 16) % (10 ** n)

def make_id(platform, key, used):
    salt = 0
    while True:
        k = f"{key}#{salt}"
        if platform == "shopee":
            lid = f"w9-{2 * 10**10 + h(k, 10)}"
        elif platform == "lazada":
            lid = f"w9-i{4 * 10**9 + h(k, 9)}-s{10**10 + h(k + 's', 10)}"
        elif platform == "tiktok":
            lid = f"w9-1729{h(k, 15):015d}"
        elif platform == "temu":
            lid = f"w9-6010{h(k, 11):011d}"
        elif platform == "line":
            lid = f"w9-line-{hashlib.sha1(k.encode()).hexdigest()[:10]}"
        elif platform == "nocnoc":
            lid = f"w9-NC{h(k, 8):08d}"
        else:
            lid = f"w9-fb-{h(k, 12):012d}"
        if (platform, lid) not in used:
            used.add((platform, lid))
            return lid
        salt += 1

def seller_id(platform, name):
    if platform in ("shopee", "lazada", "tiktok"):
        return str(10**8 + h(platform + name, 9))
    return "w9s-" + hashlib.sha1((platform + name).encode()).hexdigest()[:12]

def opt(v):
    v = v.strip()
    return None if v in ("", "~") else v

def load_desc():
    """Hand-written descriptions added later, keyed by a unique fragment of the title."""
    out = []
    for fn in sorted(glob.glob(os.path.join(HERE, "desc_*.txt"))):
        for ln, line in enumerate(open(fn, encoding="utf-8"), 1):
            if line.strip():
                k, d = line.rstrip("\n").split("|", 1)
                out.append((f"{os.path.basename(fn)}:{ln}", k.strip(), d.strip().replace("\\n", "\n")))
    return out

def apply_desc(all_recs, descs):
    bad = []
    for where, key, d in descs:
        hits = [r for r in all_recs if key in r["title"]]
        if len(hits) != 1:
            print(f"ERROR {where}: key matches {len(hits)} titles: {key}"); bad.append(where); continue
        if "description" in hits[0]:
            print(f"skip {where}: record already has a description: {key}")
            continue
        r = hits[0]
        items = list(r.items()); r.clear()
        for k, v in items:
            r[k] = v
            if k == "title":
                r["description"] = d
    if bad:
        sys.exit(f"{len(bad)} description keys did not match exactly one title")

def convert(kind):
    used, recs = set(), []
    for fn in sorted(glob.glob(os.path.join(HERE, f"{kind}_*.txt"))):
        group = None
        for ln, line in enumerate(open(fn, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("## "):
                group = line[3:].strip()
                continue
            f = line.split("|")
            need = 9 if kind == "neg" else 12
            if len(f) != need:
                sys.exit(f"{fn}:{ln}: {len(f)} fields, want {need}: {line}")
            plat = PLAT[f[0].strip()]
            title = f[1].strip()
            r = {"platform": plat, "listing_id": make_id(plat, title, used), "title": title}
            d = opt(f[2])
            if d:
                r["description"] = d.replace("\\n", "\n")
            if opt(f[3]) is not None:
                p = float(f[3]); r["price"] = int(p) if p.is_integer() else p
            r["currency"] = "THB"
            if opt(f[4]): r["brand"] = f[4].strip()
            if opt(f[5]): r["platform_category"] = f[5].strip()
            sname = f[6].strip()
            r["seller"] = {"id": seller_id(plat, sname), "name": sname, "country": opt(f[7]) or "TH"}
            r["synthetic"] = True
            if kind == "neg":
                reason = NEG_CODES.get(f[8].strip(), f[8].strip())
                if not any(x in reason + " " for x in NEG_HINT):
                    reason += "; no mandatory TIS covers this product"
                r["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated",
                              "reason": reason, "group": group}
            else:
                tis, v, phrase, alt = f[8].strip(), f[9].strip(), f[10].strip(), f[11].strip()
                verdict = {"n": "non_compliant", "u": "unverified"}[v]
                why = ("claims มอก./TIS conformity but shows no licence number" if v == "u"
                       else "no TIS mark or licence shown")
                lab = {"regulated": True, "tis": tis, "verdict": verdict,
                       "reason": f"{phrase[0].upper() + phrase[1:]}; falls under TIS {tis}; {why}", "group": group}
                if alt:
                    lab["tis_alt"] = [a.strip() for a in alt.split(";") if a.strip()]
                r["label"] = lab
            recs.append(r)
    return recs

if __name__ == "__main__":
    sets = {k: convert(k) for k in ("neg", "reg")}
    apply_desc(sets["neg"] + sets["reg"], load_desc())
    for kind, name in (("neg", "listings_written9_negatives.jsonl"), ("reg", "listings_written9_regulated.jsonl")):
        recs = sets[kind]
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(name, len(recs))
