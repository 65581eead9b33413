#!/usr/bin/env python3
"""Convert hand-written compact sources (src_neg_*.txt, src_reg_*.txt) to listing-v1 JSONL.
Adds only non-text fields: listing_id, seller id (hash of name), currency, synthetic, label shape.
Compact form (fields separated by ' ‖ ', ' ⏎ ' in description = newline):
  @group NAME ‖ default reason                                   (negatives)
  platform ‖ title ‖ desc ‖ price ‖ brand ‖ category ‖ seller ‖ country [‖ reason]
  @group NAME ‖ tis ‖ default reason [‖ tis_alt,comma,sep]       (regulated)
  platform ‖ title ‖ desc ‖ price ‖ brand ‖ category ‖ seller ‖ country ‖ u|n [‖ tis override ‖ reason override]
"""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
PLAT = {"sp": "shopee", "lz": "lazada", "tt": "tiktok", "ln": "line", "tm": "temu", "nc": "nocnoc", "ot": "other"}
SEP = " ‖ "

def lid(platform, n):
    h = int(hashlib.sha1(f"{platform}-{n}".encode()).hexdigest(), 16)
    if platform == "shopee":
        return f"hn11b-{h % (9*10**10) + 10**10}"
    if platform == "lazada":
        return f"hn11b-i{h % (9*10**9) + 10**9}-s{h % (9*10**10) + 10**10}"
    if platform == "tiktok":
        return f"hn11b-17{h % 10**17:017d}"
    if platform == "temu":
        return f"hn11b-6010{h % 10**11:011d}"
    if platform == "line":
        return f"hn11b-ln{h % 10**9:09d}"
    return f"hn11b-{platform[:2]}{h % 10**10:010d}"

def conv(kind):
    recs, n = [], 0
    for fn in sorted(glob.glob(os.path.join(HERE, f"src_{kind}_*.txt"))):
        group = tis = dreason = None
        alt = []
        for ln_no, line in enumerate(open(fn, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("//"):
                continue
            f = [x.strip() for x in line.split("‖")]
            if line.startswith("@group "):
                group = f[0][7:].strip()
                if kind == "neg":
                    dreason = f[1].strip()
                else:
                    tis, dreason = f[1].strip(), f[2].strip()
                    alt = [a.strip() for a in f[3].split(",")] if len(f) > 3 and f[3].strip() else []
                continue
            if len(f) < 8:
                sys.exit(f"{fn}:{ln_no}: too few fields: {line[:80]}")
            p, title, desc, price, brand, cat, seller, country = [x.strip() for x in f[:8]]
            platform = PLAT[p]
            n += 1
            rec = {"platform": platform, "listing_id": lid(platform, f"{kind}{n}"), "title": title}
            if desc:
                rec["description"] = desc.replace(" ⏎ ", "\n").replace("⏎", "\n")
            rec["price"] = float(price) if "." in price else int(price)
            rec["currency"] = "THB"
            if brand:
                rec["brand"] = brand
            rec["platform_category"] = cat
            rec["seller"] = {"id": "s" + hashlib.sha1(seller.encode()).hexdigest()[:12], "name": seller, "country": country}
            rec["synthetic"] = True
            if kind == "neg":
                reason = f[8].strip() if len(f) > 8 and f[8].strip() else dreason
                rec["label"] = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": reason, "group": group}
            else:
                v = {"u": "unverified", "n": "non_compliant"}[f[8].strip()]
                t = f[9].strip() if len(f) > 9 and f[9].strip() else tis
                reason = f[10].strip() if len(f) > 10 and f[10].strip() else dreason
                lab = {"regulated": True, "tis": t, "verdict": v, "reason": reason, "group": group}
                ralt = [a.strip() for a in f[11].split(",")] if len(f) > 11 and f[11].strip() else alt
                if ralt:
                    lab["tis_alt"] = ralt
                rec["label"] = lab
            recs.append(rec)
    return recs

if __name__ == "__main__":
    for kind, name in (("neg", "part_b_negatives.jsonl"), ("reg", "part_b_regulated.jsonl")):
        recs = conv(kind)
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as fh:
            for r in recs:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(name, len(recs))
