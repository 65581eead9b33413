"""`tisguard evaluate`: score a labelled file and print the figures.

Labels are listing-v1's (`verdict`, `tis`), optionally with `alternates` (or `tis_alt`: other standards that would also
be right) and `regulated` (`null`: scope not established; such records are left out of every figure and
counted). `--by FIELD` splits the main figures by a field of the records (a top-level field such as
`source` or `platform`, else a field of the label such as `group`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, fail
from tisguard.cli.engine_opts import ConfigOpt, RegistryOpt, engine_from_options

MAX_REJECTS_SHOWN = 5


def evaluate(
    labelled: Annotated[Path, typer.Argument(help="labelled listings (listing-v1 + label)")],
    registry: RegistryOpt = None,
    config: ConfigOpt = None,
    json_out: JsonOpt = False,
    data: DataOpt = None,
    worst: Annotated[int, typer.Option(help="how many worst errors to print")] = 20,
    errors: Annotated[
        int, typer.Option("--errors", min=0, help="how many false positives and misses to show, each with its reasons")
    ] = 10,
    by: Annotated[
        Optional[str], typer.Option("--by", help="split the figures by this record field (e.g. source)")
    ] = None,
    images: Annotated[
        Optional[list[Path]],
        typer.Option(help="labelled image set (manifest.jsonl) for image-path figures; repeat for more sets"),
    ] = None,
) -> None:
    """Score a labelled file and print accuracy figures (and image figures with --images)."""
    from tisguard.detect.metrics import Evaluation

    if not labelled.exists():
        fail(f"{labelled}: no such file")
    engine, _, _ = engine_from_options(registry, config, data, False)
    ev = Evaluation()
    counts = {"unlabelled_skipped": 0, "left_out_regulated_null": 0, "rejected": 0}
    rejects: list[str] = []
    grouped = 0
    for listing, lab, group in _labelled(labelled, counts, rejects, by):
        a = engine.assess(listing)
        pred = {
            "listing_id": listing.listing_id,
            "title": listing.title,
            "verdict": a.verdict,
            "tis": a.tis,
            "risk": a.risk,
            "reasons": a.reasons,
            "related_to_label": engine.ref.lexicon.related(lab["tis"]) if lab.get("tis") else set(),
            "why": _why(engine, a),
            "group": group,
        }
        grouped += group is not None
        ev.add(lab, pred)
    figs = ev.figures()
    figs.update(counts)
    figs["engine_version"] = engine.version
    figs["errors"] = ev.errors(errors)
    if by is not None:
        figs["by"] = {"field": by, "records_with_field": grouped, "groups": ev.by("group") if grouped else {}}
    if images:
        from tisguard.images.evaluate import evaluate_images

        for m in images:
            if not m.exists():
                fail(f"{m}: no such image manifest")
        figs["image_sets"] = {str(m): evaluate_images(m, engine.ref) for m in images}
        figs["images"] = next(iter(figs["image_sets"].values()))  # the first set, as before
    if json_out:
        figs["worst"] = ev.worst(worst)
        figs["rejected_examples"] = rejects
        emit_json(figs)
        return
    _print_report(figs, ev.worst(worst), rejects)


def _labelled(path: Path, counts: dict, rejects: list[str], by: str | None) -> Iterator[tuple]:
    """(listing, label dict, group value) for each labelled, in-scope, valid record; the rest are counted."""
    from tisguard.ingest.readers import read_records
    from tisguard.spec.listing import listing_from_record

    for rec_no, raw in read_records(path):
        raw_label = raw.get("label") if isinstance(raw, dict) else None
        if isinstance(raw_label, dict) and "regulated" in raw_label and raw_label["regulated"] is None:
            counts["left_out_regulated_null"] += 1
            continue
        listing, errs = listing_from_record(rec_no, raw)
        if errs:
            counts["rejected"] += 1
            if len(rejects) < MAX_REJECTS_SHOWN:
                rejects.append("; ".join(f"record {e.record_no} {e.field}: {e.reason}" for e in errs[:3]))
            continue
        if listing.label is None:
            counts["unlabelled_skipped"] += 1
            continue
        lab = listing.label.model_dump()
        lab["tis"] = _standard(lab.get("tis"), rec_no, "label.tis")
        # `tis_alt` is what the blind-set writers call the same list (writer-common rules)
        given = {k: raw_label[k] for k in ("alternates", "tis_alt") if raw_label.get(k)}
        if len(given) == 2 and given["alternates"] != given["tis_alt"]:
            fail(f"{path}: record {rec_no} label.tis_alt: differs from label.alternates (give one list)")
        key = next(iter(given), "alternates")
        alternates = given.get(key, [])
        if not isinstance(alternates, list) or not all(isinstance(t, str) for t in alternates):
            fail(f"{path}: record {rec_no} label.{key}: must be a list of standard numbers")
        lab["alternates"] = [_standard(t, rec_no, f"label.{key}") for t in alternates]
        group = None
        if by is not None:
            value = listing.extras().get(by)
            if value is None and by in type(listing).model_fields:
                value = getattr(listing, by)
            if value is None:
                value = raw_label.get(by)
            group = None if value is None else str(value)
        yield listing, lab, group


def _standard(text: str | None, rec_no: int, where: str) -> str | None:
    from tisguard.tisno import canonical_tis

    if not text:
        return None
    try:
        return canonical_tis(text)
    except ValueError as e:
        fail(f"record {rec_no} {where}: {e}")


def _why(engine, a) -> list[str]:
    """Short, countable keys for why the engine decided as it did: the product step (the standard and the
    title words that led to it, or the model's reason for 'not regulated') and the deciding signals."""
    from tisguard.detect.detectors.base import Group

    product_signals = set(engine.plan.by_group[Group.PRODUCT])
    out = []
    for e in a.evidence:
        if e.signal in product_signals:
            tis = (e.value or {}).get("tis")
            if tis:
                out.append(f"{e.signal} {tis}: " + (f"'{e.text}'" if e.text else "model, no product term in the title"))
            else:
                out.append(e.reason_en)
    out += [r["code"] for r in a.reasons if r["code"] not in product_signals]
    return out


def _print_report(f: dict, worst: list[dict], rejects: list[str]) -> None:
    e = typer.echo
    e(f"listings evaluated: {f['n']}   engine: {f['engine_version']}")
    left = {k: f[k] for k in ("unlabelled_skipped", "left_out_regulated_null", "rejected") if f[k]}
    if left:
        e("left out: " + ", ".join(f"{k} {v}" for k, v in left.items()))
        for r in rejects:
            e(f"  rejected: {r}")
    e(
        f"regulated vs not   precision {f['regulated_precision']:.3f}  recall {f['regulated_recall']:.3f}  "
        f"F1 {f['regulated_f1']:.3f}   ({f['regulated_missed']} of {f['regulated']} regulated missed)"
    )
    e(
        f"false positives    {f['false_positive_rate']:.3f}  "
        f"({f['non_regulated_flagged']} of {f['non_regulated']} non-regulated listings flagged)"
    )
    e(
        f"standard accuracy  {f['standard_accuracy']:.3f} (label or alternates)   {f['standard_accuracy_exact']:.3f} "
        f"(exact)   {f['standard_accuracy_related']:.3f} (co-applicable standards accepted)"
    )
    e(f"flag               precision {f['flag_precision']:.3f}  recall {f['flag_recall']:.3f}  F1 {f['flag_f1']:.3f}")
    e(
        f"verdict            accuracy {f['verdict_accuracy']:.3f}  macro-F1 {f['verdict_macro_f1']:.3f}   "
        + "  ".join(f"{k} {v:.3f}" for k, v in f["verdict_f1"].items())
    )
    e("confusion (rows = label, columns = predicted):")
    cols = list(f["confusion"])
    e(" " * 16 + "".join(f"{c[:13]:>15}" for c in cols))
    for l, row in f["confusion"].items():
        e(f"{l:>16}" + "".join(f"{row[c]:>15}" for c in cols))
    _print_standards(f["per_standard"])
    if "by" in f:
        _print_by(f["by"])
    for kind, title in (("false_positives", "false positives (not regulated, flagged)"), ("misses", "misses")):
        block = f["errors"][kind]
        e(f"{title}: {block['count']}")
        if block["count"]:
            e("  by standard: " + ", ".join(f"{t} {c}" for t, c in block["by_standard"]))
            e("  top reasons:")
            for why, c in block["top_reasons"]:
                e(f"    {c:>5}  {why}")
            for x in block["examples"]:
                _print_example(x)
    for name, figs in f.get("image_sets", {}).items():
        e(f"images {name}: " + ", ".join(f"{k} {v}" for k, v in figs.items()))
    e(f"worst {len(worst)} errors:")
    for w in worst:
        _print_example(w)


def _print_standards(table: dict[str, dict]) -> None:
    e = typer.echo
    e("per standard (support = labelled; predicted = flagged under it):")
    e(f"  {'standard':<22}{'support':>8}{'predicted':>10}{'precision':>11}{'recall':>8}")
    for t, r in table.items():
        p = "-" if r["precision"] is None else f"{r['precision']:.3f}"
        rc = "-" if r["recall"] is None else f"{r['recall']:.3f}"
        e(f"  {t:<22}{r['support']:>8}{r['predicted']:>10}{p:>11}{rc:>8}")


def _print_by(by: dict) -> None:
    e = typer.echo
    if not by["records_with_field"]:
        e(f"by {by['field']}: no record carries the field {by['field']!r}")
        return
    e(f"by {by['field']}:")
    e(f"  {'value':<24}{'n':>6}{'FP rate':>9}{'recall':>8}{'std acc':>9}{'flag P':>8}{'flag R':>8}")
    for g, r in by["groups"].items():
        fp = f"{r['false_positive_rate']:.3f}" if r["non_regulated"] else "-"
        pos = [f"{r[k]:.3f}" if r["regulated"] else "-" for k in ("regulated_recall", "standard_accuracy")]
        e(f"  {g[:23]:<24}{r['n']:>6}{fp:>9}{pos[0]:>8}{pos[1]:>9}{r['flag_precision']:>8.3f}{r['flag_recall']:>8.3f}")


def _print_example(w: dict) -> None:
    e = typer.echo
    lab, pred = w["label"], w["predicted"]
    e(
        f"  {w['listing_id']}: label {lab['verdict']}/{lab.get('tis')} → {pred['verdict']}/{pred['tis']}"
        f" (risk {pred['risk']:.2f}) {(w['title'] or '')[:70]!r}"
    )
    for r in w["reasons"][:3]:
        e(f"      - {r}")
