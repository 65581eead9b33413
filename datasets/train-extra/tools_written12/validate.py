import json, sys, os, difflib, collections, csv
here = os.path.dirname(os.path.abspath(__file__)); d = os.path.dirname(here)
tisset = set()
for r in csv.DictReader(open("/work/shared/data/tisi_mandatory_standards.csv", encoding="utf-8")): tisset.add(r["tis_number"])
for r in list(csv.reader(open("/work/shared/data/tisi_licence_stats_2025_11.csv", encoding="utf-8")))[1:]: tisset.add(r[1].rsplit("-", 1)[0])
recs, errs = [], []
for fn in ("listings_written12_negatives.jsonl", "listings_written12_regulated.jsonl"):
    for i, line in enumerate(open(os.path.join(d, fn), encoding="utf-8")):
        r = json.loads(line); recs.append(r)
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("seller", dict), ("synthetic", bool), ("label", dict)):
            if not isinstance(r.get(k), t): errs.append((fn, i, k))
        for k, t in (("description", str), ("brand", str), ("platform_category", str), ("currency", str)):
            if k in r and not isinstance(r[k], t): errs.append((fn, i, k))
        if not isinstance(r.get("price"), (int, float)) or r["price"] < 0: errs.append((fn, i, "price"))
        if not isinstance(r["seller"].get("id"), str): errs.append((fn, i, "seller.id"))
        L = r["label"]
        if L["verdict"] not in ("not_regulated", "unverified", "non_compliant", "compliant"): errs.append((fn, i, "verdict"))
        if L["regulated"] != (L["verdict"] != "not_regulated"): errs.append((fn, i, "regulated"))
        if L["tis"] is not None and L["tis"] not in tisset: errs.append((fn, i, "tis " + L["tis"]))
        for a in L.get("tis_alt", []):
            if a not in tisset: errs.append((fn, i, "alt " + a))
ids = collections.Counter((r["platform"], r["listing_id"]) for r in recs)
errs += [("dup id", k) for k, v in ids.items() if v > 1]
titles = [r["title"] for r in recs]
for i in range(len(titles)):
    for j in range(i + 1, len(titles)):
        if difflib.SequenceMatcher(None, titles[i], titles[j]).ratio() > 0.85: errs.append(("near-dup", titles[i], titles[j]))
print("records", len(recs), "with description", sum("description" in r for r in recs))
print(collections.Counter(r["label"]["group"] for r in recs))
print(collections.Counter(r["label"]["verdict"] for r in recs))
print("categories", len(set(r["platform_category"].split(" > ")[0] + ">" + r["platform_category"].split(" > ")[-1] for r in recs)))
for e in errs: print("ERR", e)
sys.exit(1 if errs else 0)
