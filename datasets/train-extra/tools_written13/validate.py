"""Validate written13 files against listing-v1 required fields/types and label shape; check near-duplicate titles."""
import difflib, json, os, sys, collections
D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = ["listings_written13_regulated.jsonl", "listings_written13_negatives.jsonl"]
PLAT = {"shopee", "lazada", "tiktok", "line", "nocnoc", "temu", "other"}
errs, titles, keys = [], [], set()
for fn in FILES:
    for i, line in enumerate(open(os.path.join(D, fn), encoding="utf-8"), 1):
        r = json.loads(line); w = f"{fn}:{i}"
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("seller", dict), ("synthetic", bool), ("label", dict)):
            if not isinstance(r.get(k), t): errs.append(f"{w} {k}")
        if r["platform"] not in PLAT: errs.append(f"{w} platform")
        if not r["listing_id"].startswith("w13-"): errs.append(f"{w} prefix")
        if (r["platform"], r["listing_id"]) in keys: errs.append(f"{w} dup id")
        keys.add((r["platform"], r["listing_id"]))
        for k in ("description", "brand", "platform_category", "currency"):
            if k in r and not isinstance(r[k], str): errs.append(f"{w} {k}")
        if not (isinstance(r.get("price"), (int, float)) and r["price"] >= 0): errs.append(f"{w} price")
        s = r["seller"]
        if not isinstance(s.get("id"), str) or not s["id"]: errs.append(f"{w} seller.id")
        if len(s.get("country", "")) != 2: errs.append(f"{w} country")
        L = r["label"]
        if "regulated" in fn:
            if not (L["regulated"] is True and L["verdict"] in ("non_compliant", "unverified") and isinstance(L["tis"], str) and L["tis"]): errs.append(f"{w} label")
            if L["verdict"] == "unverified" and "มอก" not in (r["title"] + r.get("description", "")) and "TIS" not in (r["title"] + r.get("description", "")): errs.append(f"{w} unverified without claim")
        else:
            if not (L["regulated"] is False and L["tis"] is None and L["verdict"] == "not_regulated"): errs.append(f"{w} label")
        if not L.get("reason") or not L.get("group"): errs.append(f"{w} reason/group")
        titles.append((r["title"], w))
for a in range(len(titles)):
    for b in range(a + 1, len(titles)):
        if difflib.SequenceMatcher(None, titles[a][0], titles[b][0]).ratio() > 0.85:
            errs.append(f"near-dup: {titles[a][1]} {titles[b][1]} {titles[a][0]!r} ~ {titles[b][0]!r}")
print("\n".join(errs) or "OK", len(titles))
sys.exit(1 if errs else 0)
