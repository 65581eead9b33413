#!/usr/bin/env python3
"""Check listing-v1 required fields/types and label shape; report near-duplicate titles (difflib > 0.85)."""
import difflib, json, os, sys, collections
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = ["part_b_negatives.jsonl", "part_b_regulated.jsonl"]
errs, titles, ids = [], [], set()
groups = collections.Counter()
for fn in FILES:
    for i, line in enumerate(open(os.path.join(D, fn), encoding="utf-8"), 1):
        r = json.loads(line)
        where = f"{fn}:{i}"
        for k, t in [("platform", str), ("listing_id", str), ("title", str), ("description", str), ("currency", str),
                     ("brand", str), ("platform_category", str), ("seller", dict), ("synthetic", bool), ("label", dict)]:
            if not isinstance(r.get(k), t):
                errs.append(f"{where}: {k} bad")
        if not isinstance(r.get("price"), (int, float)) or isinstance(r.get("price"), bool) or r["price"] < 0:
            errs.append(f"{where}: price bad")
        if r["platform"] != r["platform"].lower():
            errs.append(f"{where}: platform not lowercase")
        if not r["listing_id"].startswith("hn13b-"):
            errs.append(f"{where}: id prefix")
        if (r["platform"], r["listing_id"]) in ids:
            errs.append(f"{where}: duplicate id")
        ids.add((r["platform"], r["listing_id"]))
        s = r["seller"]
        if not isinstance(s.get("id"), str) or not s["id"] or not isinstance(s.get("name"), str) or len(s.get("country", "")) != 2:
            errs.append(f"{where}: seller bad")
        L = r["label"]
        if fn.startswith("part_b_neg"):
            if not (L.get("regulated") is False and L.get("tis") is None and L.get("verdict") == "not_regulated"):
                errs.append(f"{where}: neg label bad")
        else:
            if not (L.get("regulated") is True and isinstance(L.get("tis"), str) and L.get("verdict") in ("non_compliant", "unverified")):
                errs.append(f"{where}: reg label bad")
        if not L.get("reason") or not L.get("group"):
            errs.append(f"{where}: reason/group missing")
        groups[(fn[7:10], L["group"], L.get("tis"), L["verdict"])] += 1
        titles.append((r["title"], where))
print("errors:", len(errs)); print("\n".join(errs[:20]))
dups = 0
for a in range(len(titles)):
    for b in range(a + 1, len(titles)):
        sm = difflib.SequenceMatcher(None, titles[a][0], titles[b][0])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            dups += 1; print("NEAR-DUP", round(sm.ratio(), 3), titles[a], titles[b])
print("near-dups:", dups)
for k, v in sorted(groups.items()):
    print(v, *k)
