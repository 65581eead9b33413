#!/usr/bin/env python3
"""Validate part B files against listing-v1 required fields/types; check near-duplicate titles."""
import json, os, sys, difflib, collections
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
errs = 0; titles = []; stats = collections.Counter()
for fn in ("part_b_negatives.jsonl", "part_b_regulated.jsonl"):
    for i, line in enumerate(open(os.path.join(D, fn), encoding="utf-8"), 1):
        r = json.loads(line)
        def bad(m):
            global errs; errs += 1; print(fn, i, m)
        for k in ("platform", "listing_id", "title"):
            if not isinstance(r.get(k), str) or not r[k]: bad("missing " + k)
        if r["platform"] != r["platform"].lower(): bad("platform case")
        if not r["listing_id"].startswith("hn6b-"): bad("prefix")
        if "description" in r and not isinstance(r["description"], str): bad("desc type")
        if not isinstance(r.get("price"), (int, float)) or r["price"] < 0: bad("price")
        if r.get("currency") != "THB": bad("currency")
        for k in ("brand", "platform_category"):
            if k in r and not isinstance(r[k], str): bad(k)
        s = r.get("seller")
        if not isinstance(s, dict) or not isinstance(s.get("id"), str) or not s["id"]: bad("seller.id")
        if not isinstance(s.get("country"), str) or len(s["country"]) != 2: bad("country")
        if r.get("synthetic") is not True: bad("synthetic")
        L = r.get("label", {})
        if L.get("verdict") not in ("not_regulated", "unverified", "non_compliant", "compliant"): bad("verdict")
        if fn.startswith("part_b_neg"):
            if L.get("regulated") is not False or L.get("tis") is not None or L["verdict"] != "not_regulated": bad("neg label")
        else:
            if L.get("regulated") is not True or not L.get("tis") or L["verdict"] == "not_regulated": bad("reg label")
        if not L.get("reason") or not L.get("group"): bad("reason/group")
        stats[(fn[7:10], L["group"])] += 1
        stats[("desc", "description" in r)] += 1
        titles.append((r["title"], fn, i))
n = 0
norm = [t.lower() for t, _, _ in titles]
for a in range(len(titles)):
    sm = difflib.SequenceMatcher(None, norm[a], autojunk=False)
    for b in range(a + 1, len(titles)):
        sm.set_seq1(norm[b])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            n += 1; print("NEAR-DUP", round(sm.ratio(), 3), titles[a][0], "||", titles[b][0])
print(dict(stats)); print("errors", errs, "near-dups", n)
sys.exit(1 if errs or n else 0)
