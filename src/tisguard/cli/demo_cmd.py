from __future__ import annotations

from typing import Annotated

import typer

from tisguard.cli.common import DataOpt, engine_for, settings_for

DEMO_SEED = 2026


def demo(
    data: DataOpt = None,
    n: Annotated[int, typer.Option(help="synthetic demo listings")] = 400,
    serve: Annotated[bool, typer.Option(help="start the web app afterwards")] = True,
    port: Annotated[int, typer.Option(help="web app port")] = 8000,
) -> None:
    """Load the catalogue, a synthetic demo registry and demo listings, scan them, then serve the app."""
    from tisguard.catalogue.store import ensure_catalogue
    from tisguard.demo.synthetic import SyntheticWorld, write_jsonl, write_registry_csv
    from tisguard.detect.config import EngineConfig
    from tisguard.detect.lexicon import Lexicon
    from tisguard.pipeline.build import ImageSource, build_engine
    from tisguard.pipeline.runners import scan_file_into_store
    from tisguard.registry.store import import_registry, read_registry_csv

    settings = settings_for(data)
    db = engine_for(settings)
    catalogue = ensure_catalogue(db)
    typer.echo(f"catalogue: {len(catalogue.editions)} standard editions ({len(catalogue.tis_numbers())} standards)")
    world = SyntheticWorld(catalogue, Lexicon.load(), seed=DEMO_SEED)
    demo_dir = settings.data_dir / "demo"
    write_registry_csv(demo_dir / "registry.csv", world)
    rows, errors = read_registry_csv(demo_dir / "registry.csv")
    reg = import_registry(db, rows)
    typer.echo(f"registry (synthetic): {reg['added']} added, {reg['updated']} updated")
    records = [r for r in world.listings(n)]
    with_photos = add_label_photos(records, world, demo_dir)
    write_jsonl(demo_dir / "listings.jsonl", ({k: v for k, v in r.items() if k != "label"} for r in records))
    engine = build_engine(settings, EngineConfig(), db, None, ImageSource.for_settings(settings, demo_dir))
    counts: dict[str, int] = {}

    def count(a) -> None:
        counts[a.verdict] = counts.get(a.verdict, 0) + 1

    summary = scan_file_into_store(db, settings, engine, demo_dir / "listings.jsonl", count, lambda _n: None)
    typer.echo(
        f"listings (synthetic): read {summary['read']}, stored {summary['stored']}, updated {summary['updated']}, "
        f"rejected {summary['rejected']}; {with_photos} show their licence only in a label photo"
    )
    typer.echo("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    after_scan(settings, db, serve, port)


def add_label_photos(records: list[dict], world, demo_dir, k: int = 8) -> int:
    """Give a few regulated demo listings a synthetic label photo (TIS mark, standard, licence, QR) instead of
    licence text, so the demo shows image evidence; half show a registry licence, half a fake QR page."""
    import random

    from tisguard.images.synthetic import label_image

    rng = random.Random(DEMO_SEED)
    (demo_dir / "images").mkdir(parents=True, exist_ok=True)
    done = 0
    for r in records:
        lab = r.get("label") or {}
        lics = [e for e in world.by_tis.get(lab.get("tis"), []) if e.status == "active"]
        if lab.get("reason") != "no_mark" or not lics or done >= k:
            continue
        lic = rng.choice(lics)
        genuine = done % 2 == 0
        spec = {
            "product": r["title"][:28],
            "mark": True,
            "standard": f"{lic.tis}-{lic.year}",
            "licence": lic.licence_no if genuine else None,
            "qr": None if genuine else f"https://tisi-verify.example.invalid/check?no={lic.licence_no}",
        }
        name = f"images/{r['listing_id']}.png"
        label_image(rng, spec, "clean").save(demo_dir / name)
        r["images"] = [{"path": name}]
        if genuine:
            r["brand"] = lic.brands[0]
        done += 1
    return done


def after_scan(settings, db, serve: bool, port: int) -> None:
    """What the demo does once data is in: create demo users and serve the web app (when available)."""
    try:
        from tisguard.web.demo_users import ensure_demo_users
    except ImportError:
        return
    for user, role, password in ensure_demo_users(db):
        if password is None:  # never reset an existing account's password
            typer.echo(f"demo account: {user} ({role}) exists, password unchanged (reset: tisguard user add {user})")
        else:
            typer.echo(f"demo account: {user} ({role}) password: {password}")
    if serve:
        from tisguard.web.server import run_server

        typer.echo(f"tisguard web app: http://127.0.0.1:{port}/")
        run_server(settings, port)
