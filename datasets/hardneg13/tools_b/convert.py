#!/usr/bin/env python3
"""Convert compact hand-written source lines (n*.txt negatives, r*.txt regulated) to listing-v1 JSONL.
Adds only non-text fields: listing_id, seller id (hash of name), currency, synthetic, label."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PREFIX = "hn13b-"

def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % (10 ** n)

def listing_id(platform, key):
    if platform == "shopee":
        return f"{PREFIX}{h('sp'+key, 11):011d}"
    if platform == "lazada":
        return f"{PREFIX}{h('lz'+key, 10):010d}"
    if platform == "tiktok":
        return f"{PREFIX}17{h('tt'+key, 17):017d}"
    return f"{PREFIX}{platform[:2]}{hashlib.sha256(key.encode()).hexdigest()[:12]}"

def seller(name, country):
    return {"id": "sel-" + hashlib.sha256(name.encode()).hexdigest()[:12], "name": name, "country": country}

def parse(path, regulated):
    recs, hdr = [], None
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        if line.startswith("#N ") or line.startswith("#R "):
            hdr = line[3:].split("|")
            continue
        f = line.split("|")
        want = 8 if regulated else 7
        if len(f) != want:
            sys.exit(f"{path}:{ln}: {len(f)} fields, want {want}: {line[:80]}")
        platform, title, desc, price, brand, sname, country = f[:7]
        desc = desc.replace(" // ", "\n").strip()
        rec = {
            "platform": platform,
            "listing_id": None,
            "title": title.strip(),
            "description": desc,
            "price": float(price) if "." in price else int(price),
            "currency": "THB",
            "brand": "" if brand == "-" else brand,
            "platform_category": None,
            "seller": seller(sname, country),
            "synthetic": True,
        }
        if regulated:
            group, cat, tis, alt, reason = hdr
            v = f[7]
            verdict = {"u": "unverified", "n": "non_compliant"}[v]
            text = title + " " + desc
            claims = ("มอก" in text) or ("TIS" in text)
            if claims != (v == "u"):
                print(f"WARN {path}:{ln} verdict {v} vs claim {claims}: {title[:60]}")
            rec["platform_category"] = cat
            lab = {"regulated": True, "tis": tis, "verdict": verdict,
                   "reason": reason + ("; claims มอก. but shows no licence number" if v == "u" else "; no TIS mark or licence shown"),
                   "group": group}
            if alt:
                lab["tis_alt"] = alt.split(";")
            rec["label"] = lab
        else:
            group, cat, reason = hdr
            if "มอก" in title + desc:
                print(f"WARN negative mentions มอก {path}:{ln}")
            rec["platform_category"] = cat
            rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": reason, "group": group}
        recs.append(rec)
    return recs

def load_adds():
    """desc_add.txt: hand-written descriptions (and platform overrides) for records keyed by a title prefix."""
    adds = []
    for ln, line in enumerate(open(os.path.join(HERE, "desc_add.txt"), encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.strip():
            k, plat, d = line.split("|")
            adds.append([k, plat, d.replace(" // ", "\n").strip(), 0, ln])
    return adds

def main():
    seen = set()
    adds = load_adds()
    for kind, pat, out in [(False, "n*.txt", "part_b_negatives.jsonl"), (True, "r*.txt", "part_b_regulated.jsonl")]:
        recs = []
        for p in sorted(glob.glob(os.path.join(HERE, pat))):
            recs += parse(p, kind)
        for r in recs:
            for a in adds:
                if r["title"].startswith(a[0]):
                    a[3] += 1
                    if r["description"]:
                        print(f"desc_add line {a[4]}: record already has a description"); continue
                    r["description"] = a[2]
                    if a[1] != "-":
                        r["platform"] = a[1]
                    if kind and (("มอก" in r["title"] + a[2]) != (r["label"]["verdict"] == "unverified")):
                        print("WARN desc claim mismatch", a[0])
        with open(os.path.join(OUT, out), "w", encoding="utf-8") as fo:
            for i, r in enumerate(recs):
                key = f"{out}:{i}:{r['title']}"
                lid = listing_id(r["platform"], key)
                while (r["platform"], lid) in seen:
                    key += "x"; lid = listing_id(r["platform"], key)
                seen.add((r["platform"], lid))
                r["listing_id"] = lid
                fo.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(out, len(recs), "with description:", sum(1 for r in recs if r["description"]))
    bad = [a for a in adds if a[3] != 1]
    for a in bad:
        print("desc_add key matched", a[3], "records:", a[0])

if __name__ == "__main__":
    main()
