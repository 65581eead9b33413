from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, JsonOpt, emit_json, fail, settings_for

DEFAULT_TRAIN = Path("datasets/dev/train.jsonl")


def train(
    train_file: Annotated[Path, typer.Argument(help="labelled listings (listing-v1 + label)")] = DEFAULT_TRAIN,
    out: Annotated[Optional[Path], typer.Option(help="model JSON path (default: DATA/models/category.json)")] = None,
    c: Annotated[float, typer.Option(help="inverse regularisation strength")] = 8.0,
    data: DataOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Rebuild the category model from labelled data; writes category.json + category.npz."""
    from tisguard.detect.train import train as run_train

    if not train_file.exists():
        fail(f"{train_file}: no such file (run from the project root, or give the path)")
    out = out or settings_for(data).models_dir / "category.json"
    result = run_train(train_file, out, c=c)
    typer.echo(
        f"model {result['version']}: {result['n']} examples, {result['classes']} classes, {result['features']} features, "
        f"T={result['temperature']:.2f}, held-back accuracy {result['calibration_accuracy']:.3f} → {result['out']}",
        err=json_out,
    )
    if json_out:
        emit_json(result)
