#!/usr/bin/env python3
"""Own validator for listing-v1 + label shape (does not import tisguard); also near-duplicate title check."""
import json, sys, difflib, os, re
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE)
err = 0; titles = []; ids = set()
def bad(m):
    global err; err += 1; print("ERR", m)
for name in ("part_b_negatives.jsonl", "part_b_regulated.jsonl"):
    for n, line in enumerate(open(os.path.join(OUT, name), encoding="utf-8"), 1):
        r = json.loads(line); w = f"{name}:{n}"
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("seller", dict), ("label", dict)):
            if not isinstance(r.get(k), t): bad(f"{w} {k}")
        if not re.fullmatch(r"[a-z]+", r["platform"]): bad(f"{w} platform slug")
        if not r["listing_id"].startswith("hn12b-"): bad(f"{w} prefix")
        key = (r["platform"], r["listing_id"])
        if key in ids: bad(f"{w} dup id")
        ids.add(key)
        if not r["title"].strip(): bad(f"{w} empty title")
        for k in ("description", "brand", "platform_category", "currency"):
            if k in r and not isinstance(r[k], str): bad(f"{w} {k} type")
        if "price" in r and (not isinstance(r["price"], (int, float)) or r["price"] < 0): bad(f"{w} price")
        if r.get("currency") != "THB": bad(f"{w} currency")
        s = r["seller"]
        if not isinstance(s.get("id"), str) or not s["id"]: bad(f"{w} seller.id")
        if not re.fullmatch(r"[A-Z]{2}", s.get("country", "")): bad(f"{w} country")
        if r.get("synthetic") is not True: bad(f"{w} synthetic")
        L = r["label"]
        if name.startswith("part_b_neg"):
            if not (L.get("regulated") is False and L.get("tis") is None and L.get("verdict") == "not_regulated"): bad(f"{w} neg label")
        else:
            if not (L.get("regulated") is True and isinstance(L.get("tis"), str) and L.get("verdict") in ("non_compliant", "unverified")): bad(f"{w} reg label")
            text = r["title"] + " " + r.get("description", "")
            claims = bool(re.search(r"มี\s*มอก|มอก\.\s*✅|ได้\s*มอก|ผ่าน.*มอก|✅\s*มอก|มอก\.ของเล่น|มอก\.\s*685", text))
            if claims != (L["verdict"] == "unverified"): print("CHECK verdict", w, L["verdict"], r["title"])
        for k in ("reason", "group"):
            if not isinstance(L.get(k), str) or not L[k]: bad(f"{w} label.{k}")
        titles.append((w, r["title"]))
print("records", len(titles), "errors", err)
# near duplicates
norm = [(w, re.sub(r"\s+", " ", t.lower())) for w, t in titles]
nd = 0
for i in range(len(norm)):
    for j in range(i + 1, len(norm)):
        sm = difflib.SequenceMatcher(None, norm[i][1], norm[j][1])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            nd += 1; print("NEARDUP", norm[i][0], norm[j][0], norm[i][1], "||", norm[j][1])
print("near-duplicates", nd)
sys.exit(1 if err or nd else 0)
