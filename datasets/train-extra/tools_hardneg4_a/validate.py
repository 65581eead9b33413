#!/usr/bin/env python3
"""Own validator (no tisguard import): listing-v1 required fields/types, label shape,
TIS numbers against the shared catalogue/statistics files, verdict/text consistency,
and near-duplicate titles (difflib ratio > 0.85) across both files."""
import csv, difflib, json, os, re, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
DATA = "/work/shared/data"
FILES = ["part_a_negatives.jsonl", "part_a_regulated.jsonl"]
PLATS = {"shopee", "lazada", "tiktok", "line", "nocnoc", "temu", "other"}

known = set()
for r in csv.DictReader(open(f"{DATA}/tisi_mandatory_standards.csv", encoding="utf-8")):
    known.add(r["tis_number"].strip())
rows = list(csv.reader(open(f"{DATA}/tisi_licence_stats_2025_11.csv", encoding="utf-8")))
for r in rows[1:]:
    known.add(r[1].rsplit("-", 1)[0].strip())

errs = []
recs = []
ids = set()
for fn in FILES:
    for i, line in enumerate(open(os.path.join(OUT, fn), encoding="utf-8"), 1):
        where = f"{fn}:{i}"
        try:
            r = json.loads(line)
        except Exception as e:
            errs.append(f"{where}: bad json {e}"); continue
        recs.append((fn, r))
        for k, t in (("platform", str), ("listing_id", str), ("title", str), ("description", str),
                     ("currency", str), ("brand", str), ("platform_category", str), ("seller", dict),
                     ("synthetic", bool), ("label", dict)):
            if not isinstance(r.get(k), t):
                errs.append(f"{where}: field {k} missing or not {t.__name__}")
        if r.get("platform") not in PLATS: errs.append(f"{where}: platform")
        if not str(r.get("listing_id", "")).startswith("hn4a-"): errs.append(f"{where}: prefix")
        if not r.get("title", "").strip(): errs.append(f"{where}: empty title")
        p = r.get("price")
        if not (isinstance(p, (int, float)) and not isinstance(p, bool) and p >= 0): errs.append(f"{where}: price")
        if r.get("currency") != "THB": errs.append(f"{where}: currency")
        s = r.get("seller", {})
        if not (isinstance(s.get("id"), str) and s["id"]): errs.append(f"{where}: seller.id")
        if not re.fullmatch(r"[A-Z]{2}", s.get("country", "")): errs.append(f"{where}: seller.country")
        if r.get("synthetic") is not True: errs.append(f"{where}: synthetic")
        key = (r.get("platform"), r.get("listing_id"))
        if key in ids: errs.append(f"{where}: duplicate id")
        ids.add(key)
        lab = r.get("label", {})
        text = r.get("title", "") + "\n" + r.get("description", "")
        claims = ("มอก" in text) or re.search(r"\bTIS\b", text) is not None
        if fn.startswith("part_a_neg"):
            if lab.get("regulated") is not False or lab.get("tis") is not None or lab.get("verdict") != "not_regulated":
                errs.append(f"{where}: negative label shape")
            if claims: errs.append(f"{where}: negative text mentions มอก./TIS")
        else:
            if lab.get("regulated") is not True or lab.get("verdict") not in ("non_compliant", "unverified"):
                errs.append(f"{where}: regulated label shape")
            if lab.get("tis") not in known: errs.append(f"{where}: unknown tis {lab.get('tis')}")
            for a in lab.get("tis_alt", []):
                if a not in known: errs.append(f"{where}: unknown tis_alt {a}")
            if lab.get("verdict") == "unverified" and not claims: errs.append(f"{where}: unverified but no claim")
            if lab.get("verdict") == "non_compliant" and claims: errs.append(f"{where}: non_compliant but claims TIS")
            if re.search(r"[ทน]\s*\d+\s*-\s*\d+\s*/\s*\d+", text): errs.append(f"{where}: looks like a licence number")
        for k in ("reason", "group"):
            if not isinstance(lab.get(k), str) or not lab.get(k): errs.append(f"{where}: label.{k}")

# near duplicates
titles = [(fn, r["title"]) for fn, r in recs]
norm = [re.sub(r"\s+", " ", t.lower()) for _, t in titles]
dups = []
for i in range(len(norm)):
    sm = difflib.SequenceMatcher(None, norm[i], autojunk=False)
    for j in range(i + 1, len(norm)):
        sm.set_seq1(norm[j]) if False else None
        m = difflib.SequenceMatcher(None, norm[i], norm[j], autojunk=False)
        if m.real_quick_ratio() <= 0.85 or m.quick_ratio() <= 0.85:
            continue
        if m.ratio() > 0.85:
            dups.append((titles[i][1], titles[j][1], round(m.ratio(), 3)))
for a, b, q in dups:
    errs.append(f"near-dup {q}: {a!r} ~ {b!r}")

neg = [r for fn, r in recs if fn.startswith("part_a_neg")]
reg = [r for fn, r in recs if not fn.startswith("part_a_neg")]
print("negatives", len(neg), "groups", len({r['label']['group'] for r in neg}))
print("regulated", len(reg), "standards", len({r['label']['tis'] for r in reg}),
      "unverified", sum(r['label']['verdict'] == 'unverified' for r in reg))
print("with description", sum(bool(r['description']) for _, r in recs), "/", len(recs))
print("platforms", dict(Counter(r['platform'] for _, r in recs)))
print("errors", len(errs))
for e in errs[:80]:
    print(" ", e)
sys.exit(1 if errs else 0)
