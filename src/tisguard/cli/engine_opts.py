"""The options every engine-running command shares (--registry, --config, --data, --store, --images)
and the one call that turns them into an engine through the pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from tisguard.cli.common import fail, settings_for

RegistryOpt = Annotated[
    Optional[Path], typer.Option("--registry", help="licence registry CSV (default: the store's registry)")
]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="engine configuration JSON (overrides defaults)")]
StoreOpt = Annotated[
    bool, typer.Option("--store", help="keep listings and assessments in the store ($TISGUARD_DATA or ./tisguard-data)")
]


def engine_from_options(
    registry: Path | None, config: Path | None, data: Path | None, write: bool, image_root=None, images=False
):
    """(engine, store or None, settings). `write`: the store is opened for writing (created, migrated);
    otherwise an existing store is only read for reference data (catalogue, registry, seller history).
    `images`: listing photos are read too (local paths under `image_root`)."""
    from tisguard.detect.config import ConfigError, load_config
    from tisguard.pipeline.build import ImageSource, build_engine
    from tisguard.store.db import StoreNotReady, open_store

    if registry is not None and not registry.exists():
        fail(f"{registry}: no such registry file")
    settings = settings_for(data)
    try:
        db = open_store(settings, write)
    except StoreNotReady as e:
        if data is not None:
            fail(str(e))
        db = None  # no store yet: packaged catalogue, the registry file (if any), no seller history
    try:
        source = ImageSource.for_settings(settings, image_root) if images else None
        return build_engine(settings, load_config(config), db, registry, source), (db if write else None), settings
    except ConfigError as e:
        fail(f"engine configuration refused: {e}")
