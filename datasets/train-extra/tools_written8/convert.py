#!/usr/bin/env python3
"""Convert the hand-written compact source files (src_neg_*.txt, src_reg_*.txt) to listing-v1 JSONL.

Compact line format (fields separated by ' | '; a line starting with '#group:' sets the group):
  negatives: P | title | description | price | brand | platform_category | seller | country | reason
  regulated: P | title | description | price | brand | platform_category | seller | country | tis[;alt;alt] | V | reason
P: S shopee, L lazada, T tiktok, N line, F facebook, O other, M temu, C nocnoc.
V: U = claims มอก./TIS without a number (unverified), N = no TIS evidence (non_compliant).
In descriptions the two characters \\n stand for a line break. Empty description -> field omitted.
The script adds only fields that do not change text: listing_id, seller id, currency, synthetic.
"""
import glob, hashlib, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PF = {"S": "shopee", "L": "lazada", "T": "tiktok", "N": "line", "F": "facebook", "O": "other", "M": "temu", "C": "nocnoc"}


def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)


def listing_id(pf, key):
    if pf == "shopee":
        return f"w8-{h('s' + key, 9)}.{h('i' + key, 11)}"
    if pf == "lazada":
        return f"w8-i{h('i' + key, 10)}-s{h('s' + key, 11)}"
    if pf == "tiktok":
        return f"w8-17{h(key, 17):017d}"
    if pf == "temu":
        return f"w8-6{h(key, 14):014d}"
    if pf == "nocnoc":
        return f"w8-NN{h(key, 8):08d}"
    if pf == "line":
        return f"w8-ln{hashlib.sha1(key.encode()).hexdigest()[:16]}"
    return f"w8-{pf[:2]}{h(key, 12):012d}"


def parse(path, kind):
    group = None
    recs = []
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        if line.startswith("#group:"):
            group = line.split(":", 1)[1].strip()
            continue
        if line.startswith("#"):
            continue
        f = [x.strip() for x in line.split(" | ")]
        want = 9 if kind == "neg" else 11
        if len(f) != want:
            sys.exit(f"{path}:{ln}: {len(f)} fields, want {want}: {line[:80]}")
        pf = PF[f[0]]
        title, desc, price, brand, cat, seller, cc = f[1:8]
        rec = {"platform": pf, "listing_id": None, "title": title}
        if desc:
            rec["description"] = desc.replace("\\n", "\n")
        rec["price"] = float(price) if "." in price else int(price)
        rec["currency"] = "THB"
        if brand:
            rec["brand"] = brand
        if cat:
            rec["platform_category"] = cat
        rec["seller"] = {"id": f"w8s-{h(seller, 10):010d}", "name": seller, "country": cc}
        rec["synthetic"] = True
        if kind == "neg":
            rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": f[8], "group": group}
        else:
            tis = [t.strip() for t in f[8].split(";") if t.strip()]
            v = {"U": "unverified", "N": "non_compliant"}[f[9]]
            lab = {"regulated": True, "tis": tis[0] if tis and tis[0] != "null" else None, "verdict": v,
                   "reason": f[10], "group": group}
            if len(tis) > 1:
                lab["tis_alt"] = tis[1:]
            rec["label"] = lab
        rec["_key"] = f"{path}:{title}"
        recs.append(rec)
    return recs


def main():
    for kind, name in (("neg", "negatives"), ("reg", "regulated")):
        recs = []
        for p in sorted(glob.glob(os.path.join(HERE, f"src_{kind}_*.txt"))):
            recs += parse(p, kind)
        seen = set()
        for r in recs:
            lid = listing_id(r["platform"], r.pop("_key"))
            assert (r["platform"], lid) not in seen, lid
            seen.add((r["platform"], lid))
            r["listing_id"] = lid
        out = os.path.join(OUT, f"listings_written8_{name}.jsonl")
        with open(out, "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(name, len(recs), "->", out)


if __name__ == "__main__":
    main()
