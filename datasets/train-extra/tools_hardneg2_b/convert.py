#!/usr/bin/env python3
"""Convert writer-B compact batch files to listing-v1 JSONL.
Batch format:
  @group=NAME;cat=DEFAULT CATEGORY;reason=DEFAULT REASON[;tis=N;alt=A,B]
  platform | title | description (use // for new line) | price | brand | seller | country [| category override] [| key=val;key=val overrides]
Only fields that do not change the text are added (listing_id, seller id, currency, synthetic, label from header).
"""
import sys, json, hashlib, re, glob, os
PLAT = {"s":"shopee","l":"lazada","t":"tiktok","tm":"temu","ln":"line","n":"nocnoc","o":"other"}
def h(s, n=10):
    return int(hashlib.sha1(s.encode()).hexdigest(), 16)
def lid(platform, title, seen):
    x = h(platform + title)
    while True:
        if platform == "shopee": v = f"hn2b-{x % 10**11:011d}"
        elif platform == "lazada": v = f"hn2b-i{x % 10**10:010d}-s{(x//7) % 10**10:010d}"
        elif platform == "tiktok": v = f"hn2b-17{x % 10**17:017d}"
        elif platform == "temu": v = f"hn2b-6010{x % 10**11:011d}"
        elif platform == "line": v = f"hn2b-{x % 10**9:09d}"
        elif platform == "nocnoc": v = f"hn2b-NN{x % 10**8:08d}"
        else: v = f"hn2b-o{x % 10**9:09d}"
        if (platform, v) not in seen:
            seen.add((platform, v)); return v
        x += 1
def parse(files, regulated, seen):
    out = []
    for fn in files:
        hdr = {}
        for ln_no, line in enumerate(open(fn, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"): continue
            if line.startswith("@"):
                hdr = dict(kv.split("=", 1) for kv in re.split(r";(?=[a-z_]+=)", line[1:]))
                continue
            f = [x.strip() for x in re.split(r"\s*\|\s*", line)]
            if len(f) < 7:
                sys.exit(f"{fn}:{ln_no}: too few fields: {line}")
            p, title, desc, price, brand, seller, cc = f[:7]
            cat = f[7] if len(f) > 7 and f[7] else hdr["cat"]
            ov = {}
            if len(f) > 8 and f[8]:
                ov = dict(kv.split("=", 1) for kv in re.split(r";(?=[a-z_]+=)", f[8]))
            platform = PLAT[p]
            rec = {"platform": platform, "listing_id": lid(platform, title, seen), "title": title}
            if desc: rec["description"] = desc.replace("//", "\n").replace("\\n", "\n")
            if price: rec["price"] = float(price) if "." in price else int(price)
            rec["currency"] = "THB"
            if brand: rec["brand"] = brand
            rec["platform_category"] = cat
            sname = seller
            rec["seller"] = {"id": "s" + hashlib.sha1(sname.encode()).hexdigest()[:12], "name": sname, "country": cc or "TH"}
            rec["synthetic"] = True
            if not regulated:
                rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated",
                                "reason": ov.get("reason", hdr["reason"]), "group": hdr["group"]}
            else:
                tis = ov.get("tis", hdr.get("tis"))
                if tis in ("null", "None", ""): tis = None
                text = title + " " + desc
                claim = re.search(r"มอก|ม\.อ\.ก|TIS\b|TISI|tis\s*\d|มาตรฐานอุตสาหกรรม", text, re.I)
                verdict = ov.get("verdict") or ("unverified" if claim else "non_compliant")
                lab = {"regulated": True, "tis": tis, "verdict": verdict,
                       "reason": ov.get("reason", hdr["reason"]) + ("; claims TIS/มอก. conformity without licence number" if verdict == "unverified" else "; no TIS evidence in listing"),
                       "group": hdr["group"]}
                alt = ov.get("alt", hdr.get("alt"))
                if alt: lab["tis_alt"] = alt.split(",")
                rec["label"] = lab
            out.append(rec)
    return out
if __name__ == "__main__":
    d = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1]
    seen = set()
    neg = parse(sorted(glob.glob(f"{src}/neg_*.txt")), False, seen)
    reg = parse(sorted(glob.glob(f"{src}/reg_*.txt")), True, seen)
    dst = os.path.dirname(d)
    for name, recs in (("part_b_negatives.jsonl", neg), ("part_b_regulated.jsonl", reg)):
        with open(os.path.join(dst, name), "w", encoding="utf-8") as fh:
            for r in recs: fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(neg), len(reg))
