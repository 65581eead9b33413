#!/usr/bin/env python3
"""Convert compact hand-written lines (neg*.txt, reg*.txt) to listing-v1 JSONL.
Adds only non-text fields: listing_id, seller id, currency, synthetic. Titles/descriptions are copied as written
(literal '\\n' in the compact form becomes a newline)."""
import hashlib, json, glob, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {"sp": "shopee", "lz": "lazada", "tt": "tiktok", "ln": "line", "tm": "temu", "ig": "other", "nc": "nocnoc"}
SEP = " ¦ "

def h(s, n=16):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def lid(plat, key):
    a, b = h("a" + key, 9), h("b" + key, 11)
    if plat == "shopee": return f"hn12b-i.{100000000 + a % 900000000}.{10000000000 + b % 90000000000}"
    if plat == "lazada": return f"hn12b-i{1000000000 + b % 9000000000}-s{1000000000 + a % 9000000000}"
    if plat == "tiktok": return f"hn12b-17{h('c' + key, 17):017d}"
    if plat == "temu": return f"hn12b-6010{h('d' + key, 11):011d}"
    if plat == "line": return f"hn12b-ln{h('e' + key, 10):010d}"
    return f"hn12b-ig{h('f' + key, 12):012d}"

def parse(path, regulated):
    recs, hdr = [], {}
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        if line.startswith("@"):
            hdr = {}
            for part in line[1:].split(";"):
                k, _, v = part.strip().partition("=")
                hdr[k.strip()] = v.strip()
            continue
        f = [x.strip() for x in line.split("¦")]
        if len(f) not in (8, 9):
            sys.exit(f"{path}:{n}: {len(f)} fields")
        p, title, desc, price, brand, cat, seller, cc = f[:8]
        extra = f[8] if len(f) == 9 else ""
        plat = PLAT[p]
        key = f"{os.path.basename(path)}:{n}:{title}"
        rec = {"platform": plat, "listing_id": lid(plat, key), "title": title}
        if desc:
            rec["description"] = desc.replace("\\n", "\n")
        rec["price"] = float(price) if "." in price else int(price)
        rec["currency"] = "THB"
        if brand: rec["brand"] = brand
        if cat: rec["platform_category"] = cat
        rec["seller"] = {"id": "hn12b-s" + hashlib.sha1(seller.encode()).hexdigest()[:10], "name": seller, "country": cc}
        rec["synthetic"] = True
        if not regulated:
            rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated",
                            "reason": extra or hdr["reason"], "group": hdr["group"]}
        else:
            ov = {}
            for m in re.finditer(r"(?:^|;\s*)(v|tis|tis_alt|r)=(.*?)(?=;\s*(?:v|tis|tis_alt|r)=|$)", extra):
                ov[m.group(1)] = m.group(2).strip()
            lab = {"regulated": True, "tis": ov.get("tis", hdr["tis"]), "verdict": ov.get("v", "non_compliant"),
                   "reason": ov.get("r", hdr["reason"]), "group": hdr["group"]}
            alt = [a for a in (ov.get("tis_alt") or hdr.get("alt") or "").split(",") if a]
            if alt: lab["tis_alt"] = alt
            rec["label"] = lab
        recs.append(rec)
    return recs

def load_desc():
    d = {}
    for p in sorted(glob.glob(os.path.join(HERE, "desc*.txt"))):
        for line in open(p, encoding="utf-8"):
            if "⇒" in line:
                k, _, v = line.rstrip("\n").partition("⇒")
                d[k.strip()] = v.strip()
    return d

def add_desc(recs, d, used):
    for r in recs:
        hits = [k for k in d if r["title"].startswith(k) or k in r["title"]]
        if hits and "description" not in r:
            k = max(hits, key=len)
            r["description"] = d[k].replace("\\n", "\n"); used.add(k)

def main():
    d = load_desc(); used = set()
    for kind, pat, name in (("neg", "neg*.txt", "part_b_negatives.jsonl"), ("reg", "reg*.txt", "part_b_regulated.jsonl")):
        recs = []
        for p in sorted(glob.glob(os.path.join(HERE, pat))):
            recs += parse(p, kind == "reg")
        add_desc(recs, d, used)
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(name, len(recs), "with description", sum("description" in r for r in recs))
    for k in d:
        if k not in used: print("UNUSED desc key:", k)

if __name__ == "__main__":
    main()
