#!/usr/bin/env python3
"""Validate writer-B files against listing-v1 (required fields/types) + label shape, and check near-duplicate titles."""
import json, sys, difflib, itertools, re, os
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
files = [os.path.join(D, "part_b_negatives.jsonl"), os.path.join(D, "part_b_regulated.jsonl")]
PLAT = {"shopee","lazada","tiktok","line","nocnoc","temu","other"}
VERD = {"not_regulated","compliant","unverified","non_compliant"}
errs = []; recs = []; keys = set()
for fn in files:
    for i, line in enumerate(open(fn, encoding="utf-8"), 1):
        r = json.loads(line); recs.append(r)
        def e(m): errs.append(f"{os.path.basename(fn)}:{i}: {m}")
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("seller", dict)):
            if not isinstance(r.get(k), t) or (t is str and not r[k].strip()): e(f"bad {k}")
        if r.get("platform") not in PLAT: e("platform slug")
        if not r["listing_id"].startswith("hn2b-"): e("prefix")
        if (r["platform"], r["listing_id"]) in keys: e("dup key")
        keys.add((r["platform"], r["listing_id"]))
        if "description" in r and not isinstance(r["description"], str): e("description type")
        if "price" in r and (not isinstance(r["price"], (int, float)) or r["price"] < 0): e("price")
        if r.get("currency") != "THB": e("currency")
        for k in ("brand", "platform_category"):
            if k in r and not isinstance(r[k], str): e(k)
        s = r["seller"]
        if not isinstance(s.get("id"), str) or not s["id"]: e("seller.id")
        if "country" in s and not re.fullmatch(r"[A-Z]{2}", s["country"]): e("seller.country")
        if r.get("synthetic") is not True: e("synthetic")
        L = r.get("label")
        if not isinstance(L, dict): e("label"); continue
        if L.get("verdict") not in VERD: e("verdict")
        if "negatives" in fn:
            if L.get("regulated") is not False or L.get("tis") is not None or L["verdict"] != "not_regulated": e("neg label")
        else:
            if L.get("regulated") is not True or L["verdict"] not in ("unverified", "non_compliant"): e("reg label")
            if L.get("tis") is not None and not re.fullmatch(r"\d+( เล่ม \d+(\(\d+\))?)?", L["tis"]): e("tis format " + str(L.get("tis")))
        if not L.get("reason") or not L.get("group"): e("reason/group")
print("records", len(recs), "errors", len(errs)); print("\n".join(errs[:30]))
titles = [r["title"] for r in recs]
near = []
for a, b in itertools.combinations(range(len(titles)), 2):
    sm = difflib.SequenceMatcher(None, titles[a], titles[b])
    if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
        near.append((round(sm.ratio(), 3), titles[a], titles[b]))
print("near-duplicates", len(near))
for n in near: print(n)
sys.exit(1 if errs or near else 0)
