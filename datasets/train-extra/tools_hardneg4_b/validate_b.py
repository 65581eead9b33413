#!/usr/bin/env python3
"""Own validator for listing-v1 labelled records + near-duplicate title check (difflib > 0.85)."""
import json, os, sys, difflib, collections
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = ["part_b_negatives.jsonl", "part_b_regulated.jsonl"]
VER = {"not_regulated", "compliant", "unverified", "non_compliant"}
errs, recs = [], []
for fn in FILES:
    for i, line in enumerate(open(os.path.join(D, fn), encoding="utf-8"), 1):
        r = json.loads(line); recs.append(r)
        w = "%s:%d" % (fn, i)
        for k in ("platform", "listing_id", "title"):
            if not isinstance(r.get(k), str) or not r[k]: errs.append(w + " missing " + k)
        if not r["listing_id"].startswith("hn4b-"): errs.append(w + " prefix")
        if r["platform"] != r["platform"].lower(): errs.append(w + " platform case")
        for k in ("description", "currency", "brand", "platform_category", "model"):
            if k in r and not isinstance(r[k], str): errs.append(w + " type " + k)
        if "price" in r and (not isinstance(r["price"], (int, float)) or r["price"] < 0): errs.append(w + " price")
        s = r.get("seller")
        if not isinstance(s, dict) or not isinstance(s.get("id"), str): errs.append(w + " seller.id")
        if s and "country" in s and (len(s["country"]) != 2 or not s["country"].isupper()): errs.append(w + " country")
        if r.get("synthetic") is not True: errs.append(w + " synthetic")
        L = r.get("label")
        if not isinstance(L, dict) or L.get("verdict") not in VER: errs.append(w + " label"); continue
        if L["verdict"] == "not_regulated":
            if L.get("tis") is not None or L.get("regulated") is not False: errs.append(w + " neg label")
        else:
            if not isinstance(L.get("tis"), str) or L.get("regulated") is not True: errs.append(w + " reg label")
            if L["verdict"] == "compliant": errs.append(w + " compliant not expected")
        if not L.get("reason") or not L.get("group"): errs.append(w + " reason/group")
        if "platform_category" in r and r["platform_category"].replace(".", "").isdigit(): errs.append(w + " category numeric")
ids = collections.Counter((r["platform"], r["listing_id"]) for r in recs)
errs += ["dup id %s" % (k,) for k, c in ids.items() if c > 1]
import re
for r in recs:  # no licence numbers may appear anywhere (shape: type prefix, number, '-', sub-number, '/', TIS number)
    t = r["title"] + " " + r.get("description", "")
    if re.search(r"(ท|น|นค|ส)\s*\d+\s*-\s*\d+\s*/\s*\d+", t): errs.append("licence-like text: " + r["title"])
titles = [r["title"] for r in recs]
dups = []
for i in range(len(titles)):
    for j in range(i + 1, len(titles)):
        if abs(len(titles[i]) - len(titles[j])) > 0.3 * max(len(titles[i]), len(titles[j])): continue
        if difflib.SequenceMatcher(None, titles[i], titles[j]).ratio() > 0.85:
            dups.append((titles[i], titles[j]))
print("records", len(recs), "errors", len(errs), "near-dups", len(dups))
for e in errs[:50]: print("ERR", e)
for a, b in dups: print("DUP", a, "||", b)
c = collections.Counter(r["label"]["group"] for r in recs); print(dict(c))
reg = [r for r in recs if r["label"]["regulated"]]
print("reg verdicts", collections.Counter(r["label"]["verdict"] for r in reg))
print("distinct primary tis", len({r["label"]["tis"] for r in reg}))
print("platforms", collections.Counter(r["platform"] for r in recs))
print("with description", sum(1 for r in recs if r.get("description")))
sys.exit(1 if errs else 0)
