#!/usr/bin/env python3
"""Check listing-v1 required fields/types, label shape, and near-duplicate titles (difflib > 0.85)."""
import difflib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
files = [os.path.join(HERE, "..", f"listings_written8_{n}.jsonl") for n in ("negatives", "regulated")]
err = 0
recs = []
for f in files:
    for i, line in enumerate(open(f, encoding="utf-8"), 1):
        r = json.loads(line)
        def bad(m):
            global err
            err += 1
            print(f"{os.path.basename(f)}:{i}: {m}")
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("seller", dict)):
            if not isinstance(r.get(k), t) or not r.get(k):
                bad(f"missing/bad {k}")
        if r["platform"] != r["platform"].lower():
            bad("platform not lowercase")
        if not r["listing_id"].startswith("w8-"):
            bad("prefix")
        if "description" in r and not isinstance(r["description"], str):
            bad("description type")
        if "price" in r and (not isinstance(r["price"], (int, float)) or r["price"] < 0):
            bad("price")
        if r.get("currency") != "THB":
            bad("currency")
        for k in ("brand", "platform_category"):
            if k in r and not isinstance(r[k], str):
                bad(k)
        s = r["seller"]
        if not isinstance(s.get("id"), str) or not s["id"]:
            bad("seller.id")
        if "country" in s and (not isinstance(s["country"], str) or len(s["country"]) != 2):
            bad("seller.country")
        if r.get("synthetic") is not True:
            bad("synthetic")
        lab = r.get("label", {})
        if lab.get("verdict") not in ("not_regulated", "compliant", "unverified", "non_compliant"):
            bad("verdict")
        if lab.get("regulated") is False and (lab.get("tis") is not None or lab["verdict"] != "not_regulated"):
            bad("neg label")
        if lab.get("regulated") is True and (not lab.get("tis") or lab["verdict"] not in ("unverified", "non_compliant")):
            bad("reg label")
        if not lab.get("reason") or not lab.get("group"):
            bad("reason/group")
        recs.append(r)
ids = [(r["platform"], r["listing_id"]) for r in recs]
if len(ids) != len(set(ids)):
    err += 1; print("duplicate ids")
titles = [r["title"] for r in recs]
for i in range(len(titles)):
    sm = difflib.SequenceMatcher(None, titles[i], "")
    for j in range(i + 1, len(titles)):
        sm.set_seq2(titles[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            err += 1; print("NEAR-DUP", round(sm.ratio(), 3), titles[i], "||", titles[j])
print(len(recs), "records,", err, "problems")
sys.exit(1 if err else 0)
