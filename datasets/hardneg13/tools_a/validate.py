#!/usr/bin/env python3
"""Own listing-v1 validator (required fields/types per spec) + label shape + near-duplicate title check."""
import difflib, json, os, re, sys, collections
OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIS = set()
import csv
for row in csv.reader(open("/work/shared/data/tisi_licence_stats_2025_11.csv", encoding="utf-8")):
    TIS.add(re.sub(r"-\d{4}$", "", row[1]))
for row in csv.DictReader(open("/work/shared/data/tisi_mandatory_standards.csv", encoding="utf-8")):
    TIS.add(row["tis_number"])
errs = []
recs = []
for name in ("part_a_negatives.jsonl", "part_a_regulated.jsonl"):
    for i, line in enumerate(open(os.path.join(OUT, name), encoding="utf-8"), 1):
        r = json.loads(line); recs.append(r)
        w = "%s:%d" % (name, i)
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("description", str), ("currency", str),
                     ("brand", str), ("platform_category", str), ("seller", dict), ("synthetic", bool), ("label", dict)):
            if not isinstance(r.get(k), t): errs.append("%s %s type" % (w, k))
        if not re.fullmatch(r"[a-z]+", r["platform"]): errs.append(w + " platform slug")
        if not r["listing_id"].startswith("hn13a-"): errs.append(w + " prefix")
        if not r["title"].strip(): errs.append(w + " empty title")
        if not (isinstance(r.get("price"), (int, float)) and not isinstance(r["price"], bool) and r["price"] >= 0): errs.append(w + " price")
        s = r["seller"]
        if not isinstance(s.get("id"), str) or not s["id"]: errs.append(w + " seller.id")
        if not re.fullmatch(r"[A-Z]{2}", s.get("country", "")): errs.append(w + " country")
        L = r["label"]
        if L.get("verdict") not in ("not_regulated", "unverified", "non_compliant", "compliant"): errs.append(w + " verdict")
        if name.startswith("part_a_neg"):
            if L["regulated"] is not False or L["tis"] is not None or L["verdict"] != "not_regulated": errs.append(w + " neg label")
        else:
            if L["regulated"] is not True or L["tis"] not in TIS: errs.append(w + " reg tis %r" % L.get("tis"))
            for a in L.get("tis_alt", []):
                if a not in TIS: errs.append(w + " tis_alt %r" % a)
            txt = r["title"] + " " + r["description"]
            claims = bool(re.search(r"มอก|TIS", txt))
            if claims != (L["verdict"] == "unverified"): errs.append(w + " verdict/claim mismatch")
        if not L.get("reason") or not L.get("group"): errs.append(w + " reason/group")
        if re.search(r"[ทน]\s*\d+-\d+/\d+", r["title"] + r["description"]): errs.append(w + " looks like licence no")
ids = collections.Counter((r["platform"], r["listing_id"]) for r in recs)
errs += ["dup id %s" % (k,) for k, c in ids.items() if c > 1]
titles = [r["title"] for r in recs]
near = []
for i in range(len(titles)):
    sm = difflib.SequenceMatcher(None, titles[i], autojunk=False)
    for j in range(i + 1, len(titles)):
        sm.set_seq1(titles[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            near.append((round(sm.ratio(), 3), titles[i], titles[j]))
print("records", len(recs), "errors", len(errs))
for e in errs[:50]: print(" ", e)
print("near-duplicates", len(near))
for n in near: print(" ", n)
c = collections.Counter((r["label"]["group"]) for r in recs)
for g, n in sorted(c.items()): print("%4d %s" % (n, g))
sys.exit(1 if errs or near else 0)
