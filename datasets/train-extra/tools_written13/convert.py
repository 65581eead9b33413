"""Convert compact one-line sources (reg_*.txt, neg_*.txt) to listing-v1 JSONL.
Adds only fields that do not change text: listing_id, seller id, currency, synthetic."""
import glob, hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)

def lid(platform, n):
    h = int(hashlib.sha1(f"{platform}{n}".encode()).hexdigest()[:10], 16)
    if platform == "shopee":
        return f"w13-{h % 10**8}.{2000000000 + n * 7919}"
    if platform == "lazada":
        return f"w13-i{4000000000 + h % 10**9}"
    if platform == "tiktok":
        return f"w13-17{h % 10**15:015d}"
    if platform == "temu":
        return f"w13-6010{h % 10**11:011d}"
    return f"w13-{platform}-{h % 10**9:09d}"

def conv(files, regulated):
    out, n = [], 0
    for fn in files:
        for ln, line in enumerate(open(fn, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            f = line.split("|")
            if len(f) not in (12, 13):
                sys.exit(f"{fn}:{ln}: {len(f)} fields")
            group, plat, title, desc, price, brand, cat, seller, cc, tis, verdict, reason = f[:12]
            alt = [a.strip() for a in f[12].split(";")] if len(f) == 13 and f[12].strip() else []
            n += 1
            rec = {"platform": plat, "listing_id": lid(plat, n + (0 if regulated else 50000)),
                   "title": title, "description": desc.replace("⏎", "\n"),
                   "price": float(price), "currency": "THB", "brand": brand,
                   "platform_category": cat,
                   "seller": {"id": "w13s-" + hashlib.sha1(seller.encode()).hexdigest()[:10],
                              "name": seller, "country": cc},
                   "synthetic": True}
            if regulated:
                assert verdict in ("non_compliant", "unverified"), (fn, ln)
                lab = {"regulated": True, "tis": tis, "verdict": verdict, "reason": reason, "group": group}
                if alt:
                    lab["tis_alt"] = alt
            else:
                assert tis == "-" and verdict == "N", (fn, ln)
                lab = {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": reason, "group": group}
            rec["label"] = lab
            out.append(rec)
    return out

for name, pat, reg in (("listings_written13_regulated.jsonl", "reg_*.txt", True),
                       ("listings_written13_negatives.jsonl", "neg_*.txt", False)):
    recs = conv(sorted(glob.glob(os.path.join(HERE, pat))), reg)
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(name, len(recs))
