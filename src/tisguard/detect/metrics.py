"""Evaluation figures for labelled listings: regulated F1, standard accuracy, flag P/R, verdict F1, the
false-positive rate on non-regulated listings, a per-standard table, the errors with their reasons, and
the same figures per group of records (`--by source`).

A label is listing-v1's (`verdict`, `tis`) plus, optionally, `alternates`: other standards that would also
be right for the product (an energy/safety pair, a replaced standard). A predicted standard among the
label's standard and its alternates counts as right (`standard_accuracy`); `standard_accuracy_exact`
counts the label's own standard only. Records whose scope is not established (`regulated: null`) are
left out before they get here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tisguard.detect.verdict import FLAGGED_VALUES, Verdict

FLAG = set(FLAGGED_VALUES)
VERDICTS = tuple(v.value for v in Verdict)
# the figures kept for each group with --by (the confusion matrix and tables stay in the overall report)
GROUP_KEYS = (
    "n",
    "regulated",
    "non_regulated",
    "false_positive_rate",
    "regulated_recall",
    "regulated_precision",
    "standard_accuracy",
    "flag_precision",
    "flag_recall",
    "verdict_accuracy",
)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def accepted_standards(lab: dict) -> set[str]:
    """The standards that count as right for a label: its own and its alternates (`tis_alt` in the blind-set
    writers' labels is the same list)."""
    return {t for t in (lab.get("tis"), *(lab.get("alternates") or lab.get("tis_alt") or ())) if t}


def _regulated(lab_or_pred: dict) -> bool:
    return lab_or_pred["verdict"] != "not_regulated"


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
        std_ok = std_exact = std_n = std_rel_ok = neg_n = neg_flagged = 0
        for lab, pred in self.pairs:
            lr, pr = _regulated(lab), _regulated(pred)
            reg["tp" if lr and pr else "fp" if pr else "fn" if lr else "tn"] += 1
            lf, pf = lab["verdict"] in FLAG, pred["verdict"] in FLAG
            flag["tp" if lf and pf else "fp" if pf else "fn" if lf else "tn"] += 1
            conf[(lab["verdict"], pred["verdict"])] += 1
            if not lr:
                neg_n += 1
                neg_flagged += pf
            if lr:
                ok = accepted_standards(lab)
                std_n += 1
                std_exact += pred.get("tis") == lab.get("tis")
                std_ok += pred.get("tis") in ok
                std_rel_ok += pred.get("tis") in (set(pred.get("related_to_label", ())) | ok)
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
            "standard_accuracy_exact": round(std_exact / std_n, 4) if std_n else 0.0,
            "standard_accuracy_related": round(std_rel_ok / std_n, 4) if std_n else 0.0,
            "flag_precision": round(fp_, 4),
            "flag_recall": round(fr, 4),
            "flag_f1": round(ff, 4),
            "false_positive_rate": round(neg_flagged / neg_n, 4) if neg_n else 0.0,
            "non_regulated_flagged": neg_flagged,
            "non_regulated": neg_n,
            "regulated_missed": reg["fn"],
            "regulated": reg["tp"] + reg["fn"],
            "verdict_accuracy": round(sum(conf[(v, v)] for v in VERDICTS) / n, 4) if n else 0.0,
            "verdict_macro_f1": round(sum(per_class.values()) / len(per_class), 4),
            "verdict_f1": {k: round(v, 4) for k, v in per_class.items()},
            "confusion": {l: {p: conf[(l, p)] for p in VERDICTS} for l in VERDICTS},
            "per_standard": self.per_standard(),
        }

    def per_standard(self) -> dict[str, dict]:
        """For each standard: support (labelled regulated under it), predicted (listings the engine put
        under it), precision (of those, how many were right: the label's standard or an alternate) and
        recall (of the support, how many got an accepted standard). Ordered by support, then predicted."""
        support, hit, predicted, right = Counter(), Counter(), Counter(), Counter()
        for lab, pred in self.pairs:
            ok = accepted_standards(lab) if _regulated(lab) else set()
            if _regulated(lab) and lab.get("tis"):
                support[lab["tis"]] += 1
                hit[lab["tis"]] += _regulated(pred) and pred.get("tis") in ok
            if _regulated(pred) and pred.get("tis"):
                predicted[pred["tis"]] += 1
                right[pred["tis"]] += pred["tis"] in ok
        out = {}
        for t in sorted(set(support) | set(predicted), key=lambda t: (-support[t], -predicted[t], t)):
            out[t] = {
                "support": support[t],
                "predicted": predicted[t],
                "precision": round(right[t] / predicted[t], 4) if predicted[t] else None,
                "recall": round(hit[t] / support[t], 4) if support[t] else None,
            }
        return out

    def errors(self, k: int = 10, top: int = 10) -> dict:
        """False positives (not regulated, flagged) and misses (regulated, judged not regulated): how many,
        which standards, the commonest reasons (`why` keys of the predictions) and up to k examples each,
        the ones the engine was surest of first."""
        fps = [(l, p) for l, p in self.pairs if not _regulated(l) and p["verdict"] in FLAG]
        misses = [(l, p) for l, p in self.pairs if _regulated(l) and not _regulated(p)]
        fps.sort(key=lambda lp: -lp[1]["risk"])
        misses.sort(key=lambda lp: lp[1]["risk"])

        def block(rows, std_of) -> dict:
            return {
                "count": len(rows),
                "by_standard": Counter(std_of(l, p) or "-" for l, p in rows).most_common(top),
                "top_reasons": Counter(w for _, p in rows for w in p.get("why", ())).most_common(top),
                "examples": [_example(l, p) for l, p in rows[:k]],
            }

        return {
            "false_positives": block(fps, lambda l, p: p.get("tis")),
            "misses": block(misses, lambda l, p: l.get("tis")),
        }

    def by(self, group_of: str = "group") -> dict[str, dict]:
        """The main figures for each group of records (the prediction's `group`: e.g. the record's source)."""
        groups: dict[str, Evaluation] = {}
        for lab, pred in self.pairs:
            groups.setdefault(str(pred.get(group_of)), Evaluation()).add(lab, pred)
        out = {}
        for g in sorted(groups):
            f = groups[g].figures()
            out[g] = {key: f[key] for key in GROUP_KEYS}
        return out

    def worst(self, k: int = 20) -> list[dict]:
        """The k errors the engine was most confident about (verdict wrong, or standard wrong)."""
        errs = []
        for lab, pred in self.pairs:
            wrong_verdict = lab["verdict"] != pred["verdict"]
            wrong_std = _regulated(lab) and _regulated(pred) and pred.get("tis") not in accepted_standards(lab)
            if wrong_verdict or wrong_std:
                conf = pred["risk"] if pred["verdict"] in FLAG else 1 - pred["risk"]
                errs.append((conf + (1 if wrong_verdict else 0), lab, pred))
        errs.sort(key=lambda t: -t[0])
        return [_example(l, p) for _, l, p in errs[:k]]


def _example(lab: dict, pred: dict) -> dict:
    return {
        "listing_id": pred["listing_id"],
        "title": pred.get("title"),
        "label": lab,
        "predicted": {"verdict": pred["verdict"], "tis": pred["tis"], "risk": pred["risk"]},
        "reasons": [r["en"] for r in pred["reasons"]],
    }
