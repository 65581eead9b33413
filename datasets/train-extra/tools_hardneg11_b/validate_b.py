#!/usr/bin/env python3
"""Validate part B files against listing-v1 required fields/types and the label shape; report near-duplicates."""
import difflib, json, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE)
cat = open("/work/shared/data/tisi_mandatory_standards.csv", encoding="utf-8").read()
stats = open("/work/shared/data/tisi_licence_stats_2025_11.csv", encoding="utf-8").read()
def known(t):
    return re.search(r"(^|\n)%s," % re.escape(t), cat) is not None or re.search(r",%s-\d{4}," % re.escape(t), stats) is not None
errs = []; titles = []; ids = set()
for name in ("part_b_negatives.jsonl", "part_b_regulated.jsonl"):
    for i, line in enumerate(open(os.path.join(OUT, name), encoding="utf-8"), 1):
        r = json.loads(line); w = f"{name}:{i}"
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("seller", dict), ("label", dict)):
            if not isinstance(r.get(k), t): errs.append(f"{w} bad {k}")
        if not r["listing_id"].startswith("hn11b-"): errs.append(f"{w} prefix")
        key = (r["platform"], r["listing_id"])
        if key in ids: errs.append(f"{w} dup id")
        ids.add(key)
        if not isinstance(r["seller"].get("id"), str) or not r["seller"]["id"]: errs.append(f"{w} seller id")
        if "price" in r and (isinstance(r["price"], bool) or not isinstance(r["price"], (int, float)) or r["price"] < 0): errs.append(f"{w} price")
        for k in ("description", "brand", "platform_category", "currency"):
            if k in r and not isinstance(r[k], str): errs.append(f"{w} {k}")
        if not re.fullmatch(r"[A-Z]{2}", r["seller"].get("country", "")): errs.append(f"{w} country")
        if r.get("synthetic") is not True: errs.append(f"{w} synthetic")
        L = r["label"]
        if L["regulated"]:
            if L["verdict"] not in ("non_compliant", "unverified") or not L["tis"] or not known(L["tis"]): errs.append(f"{w} label {L}")
            for a in L.get("tis_alt", []):
                if not known(a): errs.append(f"{w} alt {a}")
            txt = r["title"] + r.get("description", "")
            if ("มอก" in txt) != (L["verdict"] == "unverified"): errs.append(f"{w} verdict/มอก mismatch")
            if re.search(r"[ทน]\s*\d+\s*-\s*\d+\s*/", txt): errs.append(f"{w} licence-like text")
        else:
            if L != {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": L["reason"], "group": L["group"]} or not L["reason"]: errs.append(f"{w} neg label")
        if not L.get("group"): errs.append(f"{w} group")
        titles.append((w, r["title"]))
print("errors:", len(errs)); print("\n".join(errs[:50]))
norm = [(w, re.sub(r"\s+", " ", t.lower())) for w, t in titles]
dups = 0
for i in range(len(norm)):
    for j in range(i + 1, len(norm)):
        sm = difflib.SequenceMatcher(None, norm[i][1], norm[j][1])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            dups += 1; print("NEAR-DUP", norm[i], norm[j])
print("near-duplicates:", dups)
