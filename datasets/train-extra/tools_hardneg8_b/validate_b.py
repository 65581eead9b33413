#!/usr/bin/env python3
import json, os, sys, difflib, collections
OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows, errs = [], []
for name in ("part_b_negatives.jsonl", "part_b_regulated.jsonl"):
    for i, line in enumerate(open(os.path.join(OUT, name), encoding="utf-8"), 1):
        r = json.loads(line); rows.append(r)
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("seller", dict)):
            if not isinstance(r.get(k), t) or not r[k]: errs.append((name, i, k))
        if not isinstance(r["seller"].get("id"), str): errs.append((name, i, "seller.id"))
        if "price" in r and (not isinstance(r["price"], (int, float)) or r["price"] < 0): errs.append((name, i, "price"))
        for k in ("description", "brand", "platform_category", "currency"):
            if k in r and not isinstance(r[k], str): errs.append((name, i, k))
        if r.get("synthetic") is not True or not r["listing_id"].startswith("hn8b-"): errs.append((name, i, "syn/prefix"))
        L = r["label"]
        if L["verdict"] not in ("not_regulated", "unverified", "non_compliant"): errs.append((name, i, "verdict"))
        if (L["verdict"] == "not_regulated") != (L["tis"] is None) and L["regulated"]: pass
        if name.startswith("part_b_neg") and (L["regulated"] or L["tis"] is not None): errs.append((name, i, "neglabel"))
        if name.startswith("part_b_reg") and not L["regulated"]: errs.append((name, i, "reglabel"))
ids = collections.Counter((r["platform"], r["listing_id"]) for r in rows)
errs += [("dup id", k) for k, c in ids.items() if c > 1]
titles = [r["title"] for r in rows]
for a in range(len(titles)):
    for b in range(a + 1, len(titles)):
        if difflib.SequenceMatcher(None, titles[a], titles[b]).ratio() > 0.85: errs.append(("near-dup", titles[a], titles[b]))
c = collections.Counter((r["label"]["group"], r["label"]["verdict"]) for r in rows)
for k in sorted(c): print(k, c[k])
print("standards:", len({r["label"]["tis"] for r in rows if r["label"]["tis"]}))
print("errors:", len(errs)); [print(e) for e in errs[:40]]
