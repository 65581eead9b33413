"""Build the reference snapshot (catalogue, registry, lexicon, model, seller history) from the store,
from files, or both (a registry file overrides the store's registry)."""

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


def load_reference(db: DbEngine | None, registry_csv: Path | None, models_dir: Path | None) -> Reference:
    """With a store: its catalogue, registry and sellers' confirmed violations; without: the packaged
    catalogue and an empty registry. A registry file replaces the registry either way; a model trained
    into `models_dir` replaces the packaged one."""
    model = CategoryModel.load(resolve_model_path(models_dir))
    if registry_csv is not None:
        registry = registry_from_csv(registry_csv)[0]
    elif db is not None:
        registry = load_registry(db)
    else:
        registry = Registry([])
    if db is None:
        ref = Reference(catalogue_from_csv(None), registry, Lexicon.load(), model)
    else:
        from tisguard.store.history import seller_violation_counts

        ref = Reference(ensure_catalogue(db), registry, Lexicon.load(), model, seller_violation_counts(db))
    from tisguard.pipeline.investigation import load_index

    ref.investigation = load_index(db, ref)  # store fingerprints, confirmed listings, recalls (issue 13)
    return ref
