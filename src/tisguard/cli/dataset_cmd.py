from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Synthetic datasets (every record marked synthetic)")


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Argument(help="output folder")],
    n_train: Annotated[int, typer.Option(help="training listings")] = 6000,
    n_test: Annotated[int, typer.Option(help="test listings")] = 1500,
    seed: Annotated[int, typer.Option(help="world seed")] = 7,
) -> None:
    """Write train.jsonl, test.jsonl and registry.csv of one synthetic world."""
    from tisguard.catalogue.store import catalogue_from_csv
    from tisguard.demo.synthetic import SyntheticWorld, write_jsonl, write_registry_csv
    from tisguard.detect.lexicon import Lexicon

    world = SyntheticWorld(catalogue_from_csv(), Lexicon.load(), seed=seed)
    write_registry_csv(out / "registry.csv", world)
    a = write_jsonl(out / "train.jsonl", world.listings(n_train)) if n_train else 0
    b = write_jsonl(out / "test.jsonl", world.listings(n_test, start=n_train)) if n_test else 0
    typer.echo(f"{out}: {a} train, {b} test, {len(world.registry)} licences (synthetic)")


@app.command("images")
def images(
    out: Annotated[Path, typer.Argument(help="output folder")],
    n: Annotated[int, typer.Option(help="images")] = 48,
    seed: Annotated[int, typer.Option()] = 5,
    registry: Annotated[Path, typer.Option(help="registry CSV whose licences the labels show")] = Path(
        "datasets/dev/registry.csv"
    ),
) -> None:
    """Write synthetic label photos and manifest.jsonl (truth per image)."""
    from tisguard.images.synthetic import make_image_set
    from tisguard.registry.store import read_registry_csv

    rows = [r for r in read_registry_csv(registry)[0] if r["status"] == "active"] if registry.exists() else None
    typer.echo(make_image_set(out, n=n, seed=seed, registry=rows))


@app.command("photos")
def photos(
    out: Annotated[Path, typer.Argument(help="output folder")],
    n: Annotated[int, typer.Option(help="photos")] = 80,
    seed: Annotated[int, typer.Option()] = 2911,
    registry: Annotated[Path, typer.Option(help="registry CSV whose licences the labels show")] = Path(
        "datasets/dev/registry.csv"
    ),
) -> None:
    """Write the second, independent label set (product photos, other fonts and layouts) and its manifest."""
    from tisguard.catalogue.store import catalogue_from_csv
    from tisguard.images.photoset import make_photo_set
    from tisguard.registry.store import read_registry_csv

    if not registry.exists():
        raise typer.BadParameter(f"{registry}: no such registry file", param_hint="--registry")
    rows = [r for r in read_registry_csv(registry)[0] if r["status"] == "active"]
    typer.echo(make_photo_set(out, rows, catalogue_from_csv(), n=n, seed=seed))
