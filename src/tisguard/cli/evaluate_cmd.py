from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, fail
from tisguard.cli.engine_opts import ConfigOpt, RegistryOpt, engine_from_options


def evaluate(
    labelled: Annotated[Path, typer.Argument(help="labelled listings (listing-v1 + label)")],
    registry: RegistryOpt = None,
    config: ConfigOpt = None,
    json_out: JsonOpt = False,
    data: DataOpt = None,
    worst: Annotated[int, typer.Option(help="how many worst errors to print")] = 20,
    images: Annotated[
        Optional[Path], typer.Option(help="labelled image set (manifest.jsonl) for image-path figures")
    ] = None,
) -> None:
    """Score a labelled file and print accuracy figures (and image figures with --images)."""
    from tisguard.detect.metrics import Evaluation
    from tisguard.pipeline.runners import valid_listings

    if not labelled.exists():
        fail(f"{labelled}: no such file")
    engine, _, _ = engine_from_options(registry, config, data, False)
    ev = Evaluation()
    skipped = 0
    for listing in valid_listings(labelled):
        if listing.label is None:
            skipped += 1
            continue
        a = engine.assess(listing)
        lab = listing.label.model_dump()
        pred = {
            "listing_id": listing.listing_id,
            "title": listing.title,
            "verdict": a.verdict,
            "tis": a.tis,
            "risk": a.risk,
            "reasons": a.reasons,
            "related_to_label": engine.ref.lexicon.related(lab["tis"]) if lab.get("tis") else set(),
        }
        ev.add(lab, pred)
    figs = ev.figures()
    figs["unlabelled_skipped"] = skipped
    figs["engine_version"] = engine.version
    if images is not None:
        from tisguard.images.evaluate import evaluate_images

        figs["images"] = evaluate_images(images)
    if json_out:
        figs["worst"] = ev.worst(worst)
        emit_json(figs)
        return
    _print_report(figs, ev.worst(worst))


def _print_report(f: dict, worst: list[dict]) -> None:
    e = typer.echo
    e(f"listings evaluated: {f['n']}   engine: {f['engine_version']}")
    e(
        f"regulated vs not   precision {f['regulated_precision']:.3f}  recall {f['regulated_recall']:.3f}  F1 {f['regulated_f1']:.3f}"
    )
    e(
        f"standard accuracy  {f['standard_accuracy']:.3f} (exact)   {f['standard_accuracy_related']:.3f} (co-applicable standards accepted)"
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
    if "images" in f:
        e("images: " + ", ".join(f"{k} {v}" for k, v in f["images"].items()))
    e(f"worst {len(worst)} errors:")
    for w in worst:
        e(
            f"  {w['listing_id']}: label {w['label']['verdict']}/{w['label'].get('tis')} → {w['predicted']['verdict']}/{w['predicted']['tis']}"
            f" (risk {w['predicted']['risk']:.2f}) {w['title'][:70]!r}"
        )
        for r in w["reasons"][:3]:
            e(f"      - {r}")
