"""Build the reference snapshot (catalogue, registry, lexicon, model) from the store or from files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine as DbEngine

from tisguard.catalogue.store import catalogue_from_csv, ensure_catalogue
from tisguard.detect.context import Reference
from tisguard.detect.lexicon import Lexicon
from tisguard.detect.model import CategoryModel
from tisguard.registry.model import Registry
from tisguard.registry.store import load_registry, registry_from_csv


def resolve_model_path(models_dir: Path | None) -> Path | None:
    """A model trained into the data dir wins over the packaged one."""
    if models_dir and (models_dir / "category.json").exists():
        return models_dir / "category.json"
    return None


def reference_from_store(db: DbEngine, registry_csv: Path | None = None, models_dir: Path | None = None) -> Reference:
    from tisguard.store.history import seller_violation_counts

    registry = registry_from_csv(registry_csv)[0] if registry_csv else load_registry(db)
    return Reference(
        ensure_catalogue(db),
        registry,
        Lexicon.load(),
        CategoryModel.load(resolve_model_path(models_dir)),
        seller_violation_counts(db),
    )


def reference_from_files(
    registry_csv: Path | None, catalogue_csv: Path | None = None, model_path: Path | None = None
) -> Reference:
    registry = registry_from_csv(registry_csv)[0] if registry_csv else Registry([])
    return Reference(catalogue_from_csv(catalogue_csv), registry, Lexicon.load(), CategoryModel.load(model_path))
