"""`tisguard`: one Typer app; each command lives in its own module and is imported when run."""
from __future__ import annotations

import typer

from tisguard.cli import catalogue_cmd, ingest_cmd, registry_cmd

app = typer.Typer(help="tisguard: find products sold online in Thailand without the mandatory TIS licence",
                  no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(catalogue_cmd.app, name="catalogue")
app.add_typer(registry_cmd.app, name="registry")
app.command()(ingest_cmd.ingest)

if __name__ == "__main__":
    app()
