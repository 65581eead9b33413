"""Evaluation figures for labelled listings: regulated F1, standard accuracy, flag P/R, verdict F1."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tisguard.spec.listing import VERDICTS

FLAG = {"unverified", "non_compliant"}


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Evaluation:
    pairs: list[tuple[dict, dict]] = field(default_factory=list)  # (label, prediction) with extra info

    def add(self, label: dict, pred: dict) -> None:
        self.pairs.append((label, pred))

    def figures(self) -> dict:
        n = len(self.pairs)
        reg = Counter()
        flag = Counter()
        conf = Counter()
        std_ok = std_n = std_rel_ok = 0
        for lab, pred in self.pairs:
            lr, pr = lab["verdict"] != "not_regulated", pred["verdict"] != "not_regulated"
            reg["tp" if lr and pr else "fp" if pr else "fn" if lr else "tn"] += 1
            lf, pf = lab["verdict"] in FLAG, pred["verdict"] in FLAG
            flag["tp" if lf and pf else "fp" if pf else "fn" if lf else "tn"] += 1
            conf[(lab["verdict"], pred["verdict"])] += 1
            if lr:
                std_n += 1
                std_ok += pred.get("tis") == lab.get("tis")
                std_rel_ok += pred.get("tis") in pred.get("related_to_label", {lab.get("tis")})
        rp, rr, rf = _prf(reg["tp"], reg["fp"], reg["fn"])
        fp_, fr, ff = _prf(flag["tp"], flag["fp"], flag["fn"])
        per_class = {}
        for v in VERDICTS:
            tp = conf[(v, v)]
            fp = sum(c for (l, p), c in conf.items() if p == v and l != v)
            fn = sum(c for (l, p), c in conf.items() if l == v and p != v)
            per_class[v] = _prf(tp, fp, fn)[2]
        return {
            "n": n,
            "regulated_precision": round(rp, 4),
            "regulated_recall": round(rr, 4),
            "regulated_f1": round(rf, 4),
            "standard_accuracy": round(std_ok / std_n, 4) if std_n else 0.0,
            "standard_accuracy_related": round(std_rel_ok / std_n, 4) if std_n else 0.0,
            "flag_precision": round(fp_, 4),
            "flag_recall": round(fr, 4),
            "flag_f1": round(ff, 4),
            "verdict_accuracy": round(sum(conf[(v, v)] for v in VERDICTS) / n, 4) if n else 0.0,
            "verdict_macro_f1": round(sum(per_class.values()) / len(per_class), 4),
            "verdict_f1": {k: round(v, 4) for k, v in per_class.items()},
            "confusion": {l: {p: conf[(l, p)] for p in VERDICTS} for l in VERDICTS},
        }

    def worst(self, k: int = 20) -> list[dict]:
        """The k errors the engine was most confident about (verdict wrong, or standard wrong)."""
        errs = []
        for lab, pred in self.pairs:
            wrong_verdict = lab["verdict"] != pred["verdict"]
            wrong_std = (
                lab["verdict"] != "not_regulated"
                and pred["verdict"] != "not_regulated"
                and lab.get("tis") != pred.get("tis")
            )
            if wrong_verdict or wrong_std:
                conf = pred["risk"] if pred["verdict"] in FLAG else 1 - pred["risk"]
                errs.append((conf + (1 if wrong_verdict else 0), lab, pred))
        errs.sort(key=lambda t: -t[0])
        return [
            {
                "listing_id": p["listing_id"],
                "title": p.get("title"),
                "label": l,
                "predicted": {"verdict": p["verdict"], "tis": p["tis"], "risk": p["risk"]},
                "reasons": [r["en"] for r in p["reasons"]],
            }
            for _, l, p in errs[:k]
        ]
