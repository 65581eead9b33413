#!/usr/bin/env python3
"""Own validator (does not import tisguard): listing-v1 required fields/types, label shape,
TIS numbers present in the shared catalogue/statistics files, verdict vs text, no licence
numbers, and near-duplicate titles (difflib ratio > 0.85) across both files."""
import csv, difflib, json, os, re, sys, collections
HERE = os.path.dirname(os.path.abspath(__file__)); OUT = os.path.dirname(HERE)
FILES = ["listings_written9_negatives.jsonl", "listings_written9_regulated.jsonl"]
D = "/work/shared/data/"
known = set()
for row in csv.DictReader(open(D + "tisi_mandatory_standards.csv", encoding="utf-8")):
    known.add(row["tis_number"].strip())
for row in list(csv.reader(open(D + "tisi_licence_stats_2025_11.csv", encoding="utf-8")))[1:]:
    known.add(re.sub(r"-\d{4}$", "", row[1].strip()))
TH2AR = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
LIC = re.compile(r"(ท|น|นค|ส)\s*\d+\s*-\s*\d+\s*/\s*\d+")
errs, recs = [], []
for fn in FILES:
    for i, line in enumerate(open(os.path.join(OUT, fn), encoding="utf-8"), 1):
        r = json.loads(line); recs.append(r); w = f"{fn}:{i}"
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("seller", dict), ("label", dict)):
            if not isinstance(r.get(k), t) or (t is str and not r[k].strip()):
                errs.append(f"{w} bad {k}")
        if not r["listing_id"].startswith("w9-"): errs.append(f"{w} id prefix")
        for k in ("description", "brand", "platform_category", "currency", "model"):
            if k in r and not isinstance(r[k], str): errs.append(f"{w} {k} type")
        if "price" in r and (not isinstance(r["price"], (int, float)) or r["price"] < 0): errs.append(f"{w} price")
        s = r["seller"]
        if not isinstance(s.get("id"), str) or not s["id"]: errs.append(f"{w} seller.id")
        if not re.fullmatch(r"[A-Z]{2}", s.get("country", "")): errs.append(f"{w} country")
        if r.get("synthetic") is not True: errs.append(f"{w} synthetic")
        L = r["label"]; text = (r["title"] + " " + r.get("description", "")).translate(TH2AR)
        if LIC.search(text): errs.append(f"{w} looks like licence number")
        claim = bool(re.search(r"(?<!ห)มอก|\bTIS\b", text))
        if "negatives" in fn:
            if L != {"regulated": False, "tis": None, "verdict": "not_regulated", "reason": L.get("reason"), "group": L.get("group")} or not L.get("reason"):
                errs.append(f"{w} neg label shape")
        else:
            if L.get("regulated") is not True or L.get("verdict") not in ("non_compliant", "unverified"): errs.append(f"{w} reg label")
            if L.get("tis") not in known: errs.append(f"{w} unknown tis {L.get('tis')}")
            for a in L.get("tis_alt", []):
                if a not in known: errs.append(f"{w} unknown alt {a}")
            if L["verdict"] == "unverified" and not claim: errs.append(f"{w} unverified without claim")
            if L["verdict"] == "non_compliant" and claim: errs.append(f"{w} non_compliant but claims")
ids = collections.Counter((r["platform"], r["listing_id"]) for r in recs)
errs += [f"dup id {k}" for k, c in ids.items() if c > 1]
titles = [r["title"] for r in recs]
norm = [re.sub(r"\s+", " ", t.lower()) for t in titles]
for i in range(len(norm)):
    sm = difflib.SequenceMatcher(None, norm[i], autojunk=False)
    for j in range(i + 1, len(norm)):
        sm.set_seq1(norm[j])
        if sm.real_quick_ratio() > 0.85 and sm.quick_ratio() > 0.85 and sm.ratio() > 0.85:
            errs.append(f"near-dup {sm.ratio():.2f}: {titles[i]} || {titles[j]}")
print("\n".join(errs) or "OK")
neg = [r for r in recs if not r["label"]["regulated"]]; reg = [r for r in recs if r["label"]["regulated"]]
print("negatives", len(neg), "regulated", len(reg), "unverified", sum(r["label"]["verdict"] == "unverified" for r in reg))
print("with description", sum("description" in r for r in recs), "/", len(recs))
print("thai digits", sum(bool(re.search("[๐-๙]", r["title"] + r.get("description", ""))) for r in recs))
print("distinct tis", len({r["label"]["tis"] for r in reg}))
print("platforms", collections.Counter(r["platform"] for r in recs))
for kind, rs in (("neg", neg), ("reg", reg)):
    print(kind, dict(collections.Counter(r["label"]["group"] for r in rs)))
sys.exit(1 if errs else 0)
