#!/usr/bin/env python3
"""Convert writer-4B compact source lines (src_*.txt) into listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id (hash), currency, synthetic."""
import glob, hashlib, json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
GROUPS = {"A": "neg_accessory_part", "W": "neg_word_trap", "C": "neg_false_or_denied_claim",
          "R": "reg_looks_like_part", "O": "reg_ordinary"}
VERD = {"n": "not_regulated", "nc": "non_compliant", "u": "unverified"}

def h(s, n=16):
    return int(hashlib.sha256(s.encode()).hexdigest()[:n], 16)

def listing_id(platform, key):
    x = h(platform + "|" + key)
    if platform == "shopee":
        return "hn4b-%d" % (20000000000 + x % 9000000000)
    if platform == "lazada":
        return "hn4b-i%d" % (4000000000 + x % 900000000)
    if platform == "tiktok":
        return "hn4b-17%017d" % (x % 10**17)
    if platform == "temu":
        return "hn4b-6010%011d" % (x % 10**11)
    if platform == "nocnoc":
        return "hn4b-NN%08d" % (x % 10**8)
    return "hn4b-o%010d" % (x % 10**10)

def load_desc():
    d = {}
    for line in open(os.path.join(HERE, "desc_b.txt"), encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        t, x = line.split("|", 1)
        d[t.strip()] = x.strip().replace("\\n", "\n")
    return d

def main():
    recs, errs = [], []
    extra = load_desc(); used = set()
    for path in sorted(glob.glob(os.path.join(HERE, "src_*.txt"))):
        for ln, line in enumerate(open(path, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            f = [x.strip() for x in line.split("|")]
            if len(f) == 13 and f[3] == "" and f[4] == "":
                del f[4]  # '|||price' typo: empty description written twice
            if len(f) != 12:
                errs.append("%s:%d fields=%d" % (os.path.basename(path), ln, len(f))); continue
            g, plat, title, desc, price, brand, cat, seller, cc, tis, v, reason = f
            if g not in GROUPS or v not in VERD:
                errs.append("%s:%d bad group/verdict" % (path, ln)); continue
            if price and not re.fullmatch(r"\d+(\.\d+)?", price):
                errs.append("%s:%d bad price %r" % (os.path.basename(path), ln, price)); continue
            r = {"platform": plat, "listing_id": listing_id(plat, title), "title": title}
            if desc:
                r["description"] = desc.replace("\\n", "\n")
            elif title in extra:
                r["description"] = extra[title]; used.add(title)
            if price and float(price) > 0:
                r["price"] = float(price) if "." in price else int(price)
            r["currency"] = "THB"
            if brand:
                r["brand"] = brand
            if cat:
                r["platform_category"] = cat
            r["seller"] = {"id": "s4b-%08x" % (h("seller|" + seller) % 16**8), "name": seller, "country": cc or "TH"}
            r["synthetic"] = True
            if g in "AWC":
                if tis or v != "n":
                    errs.append("%s:%d negative with tis/verdict" % (path, ln)); continue
                r["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": reason, "group": GROUPS[g]}
                r["_file"] = "neg"
            else:
                if not tis or v == "n":
                    errs.append("%s:%d regulated without tis" % (path, ln)); continue
                parts = [t.strip() for t in tis.split(";") if t.strip()]
                lab = {"regulated": True, "tis": parts[0], "verdict": VERD[v], "reason": reason, "group": GROUPS[g]}
                if len(parts) > 1:
                    lab["tis_alt"] = parts[1:]
                r["label"] = lab
                r["_file"] = "reg"
            recs.append(r)
    errs += ["desc_b title not found: " + t for t in extra if t not in used]
    if errs:
        print("\n".join(errs)); sys.exit(1)
    ids = [(r["platform"], r["listing_id"]) for r in recs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for kind, name in (("neg", "part_b_negatives.jsonl"), ("reg", "part_b_regulated.jsonl")):
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as fo:
            for r in recs:
                if r["_file"] == kind:
                    r = {k: v for k, v in r.items() if k != "_file"}
                    fo.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("ok", len(recs))

if __name__ == "__main__":
    main()
