from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, fail, settings_for

DEFAULT_TRAIN = Path("datasets/dev/train.jsonl")
DEFAULT_EXTRAS = (Path("datasets/handwritten/listings.jsonl"), Path("datasets/train-extra"))


def _extra_files(paths: list[Path]) -> list[tuple[str, Path]]:
    """(source name, file) for each extra path; a folder contributes its *.jsonl files. Each train-extra file
    is its own source ('train-extra' for listings.jsonl, 'train-extra-marketplace' for listings_marketplace.jsonl)
    so the cross-validation reports it separately; all of them carry train-extra's weight."""
    out = []
    for p in paths:
        files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
        for f in files:
            if not f.exists():
                fail(f"{f}: no such file")
            if "handwritten" in f.parts:
                name = "handwritten"
            elif "train-extra" in f.parts:
                suffix = f.stem.removeprefix("listings").lstrip("_-")
                name = f"train-extra-{suffix}" if suffix else "train-extra"
            else:
                name = f.stem
            out.append((name, f))
    return out


def _extra_weight(name: str) -> float | None:
    """train-extra's weight for every train-extra file; None (the source's default) otherwise."""
    from tisguard.training.train import DEFAULT_WEIGHTS

    return DEFAULT_WEIGHTS["train-extra"] if name.startswith("train-extra") else None


def _officer_decisions(data: Path | None):
    """The store's confirmed and dismissed listings as a source, or None (with a note) when there is no store."""
    from tisguard.services.decisions import export_labels
    from tisguard.store.db import StoreNotReady, open_store
    from tisguard.training.train import Source

    try:
        db = open_store(settings_for(data), write=False)
    except StoreNotReady as e:
        typer.echo(f"officer decisions not merged: {e}", err=True)
        return None
    records = list(export_labels(db))
    db.dispose()
    return Source.from_records("officer-decisions", records, "store") if records else None


def train(
    train_file: Annotated[Path, typer.Argument(help="labelled listings (listing-v1 + label)")] = DEFAULT_TRAIN,
    out: Annotated[Optional[Path], typer.Option(help="model JSON path (default: DATA/models/category.json)")] = None,
    extra: Annotated[
        Optional[list[Path]],
        typer.Option(
            help="more labelled files or folders of *.jsonl (default: datasets/handwritten and datasets/train-extra "
            "when present); repeatable"
        ),
    ] = None,
    no_extra: Annotated[bool, typer.Option("--no-extra", help="train on TRAIN_FILE (and decisions) only")] = False,
    with_real_dev: Annotated[
        Optional[Path],
        typer.Option(
            "--with-real-dev",
            help="real labelled listings (label.regulated/tis/alternates) to train on, read in place (never copied)",
        ),
    ] = None,
    decisions: Annotated[
        bool, typer.Option("--decisions/--no-decisions", help="merge the store's officer decisions")
    ] = True,
    cv: Annotated[
        int,
        typer.Option(help="k-fold cross-validation first (k ≥ 2): calibration + held-out figures on --with-real-dev"),
    ] = 0,
    cv_keep: Annotated[
        Optional[Path],
        typer.Option(
            "--cv-keep",
            help="with --cv: keep the fold models and their held-out records in this folder "
            "(scripts/cv_reassess.py measures an engine change on them without training again)",
        ),
    ] = None,
    learner: Annotated[
        str, typer.Option(help="mlp (one hidden ReLU layer, the shipped model) or linear (logistic regression)")
    ] = "mlp",
    hidden: Annotated[int, typer.Option(help="mlp: hidden units")] = 128,
    epochs: Annotated[int, typer.Option(help="mlp: passes over the training data")] = 40,
    c: Annotated[float, typer.Option(help="linear: inverse regularisation strength")] = 8.0,
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Rebuild the category model from labelled data; writes category.json + category.npz.

    Merges, each with its own weight: TRAIN_FILE (the generator's split), the hand-written sets, the real
    listings given with --with-real-dev, and the officers' confirmed/dismissed decisions from the store."""
    from tisguard.training.train import Learner, Source, TrainingDataError, train_sources

    if cv == 1 or cv < 0:
        fail("--cv: give 0 (no cross-validation) or a number of folds ≥ 2")
    if not train_file.exists():
        fail(f"{train_file}: no such file (run from the project root, or give the path)")
    try:
        how = Learner(kind=learner, hidden=hidden, epochs=epochs, c=c)
        sources = [Source.from_file("synthetic", train_file)]
        if not no_extra:
            paths = extra if extra else [p for p in DEFAULT_EXTRAS if p.exists()]
            sources += [Source.from_file(name, f, _extra_weight(name)) for name, f in _extra_files(paths)]
        if with_real_dev is not None:
            if not with_real_dev.exists():
                fail(f"{with_real_dev}: no such file")
            sources.append(Source.from_file("real-dev", with_real_dev))
        if decisions and (dec := _officer_decisions(data)) is not None:
            sources.append(dec)
        out = out or settings_for(data).models_dir / "category.json"
        result = train_sources(sources, out, learner=how, cv=cv, cv_keep=cv_keep)
    except TrainingDataError as e:
        fail(str(e))
    used = ", ".join(f"{s['name']} {s['used']}" for s in result["sources"])
    typer.echo(
        f"model {result['version']}: {result['n']} examples ({used}), {result['classes']} classes, "
        f"{result['features']} features, T={result['temperature']:.2f} ({result['calibration']}) → {result['out']}",
        err=json_out,
    )
    cvr = result.get("cross_validation") or {}
    if "real-dev" in cvr:
        f = cvr["real-dev"]
        typer.echo(
            f"real-dev, {cvr['k']}-fold held-out: false-positive rate {f['false_positive_rate']}, "
            f"regulated recall {f['regulated_recall']}, standard accuracy {f['standard_accuracy']} "
            f"(n = {f['n_not_regulated']} not regulated, {f['n_regulated']} regulated)",
            err=json_out,
        )
    for name, f in (cvr.get("engine_by_source") or {}).items():
        if name != "real-dev":
            typer.echo(f"  held out, {name}: {_source_line(f)}", err=json_out)
    if json_out:
        emit_json(result)


def _source_line(f: dict) -> str:
    parts = []
    if f["n_not_regulated"]:
        parts.append(f"{f['false_positives']} of {f['n_not_regulated']} not regulated flagged")
    if f["n_regulated"]:
        parts.append(f"recall {f['regulated_recall']}, standard {f['standard_accuracy']} of {f['n_regulated']}")
    return "; ".join(parts)
