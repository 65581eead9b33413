"""`tisguard`: one Typer app; each command lives in its own module and is imported when run."""

from __future__ import annotations

import typer

from tisguard.cli import (
    audit_cmd,
    catalogue_cmd,
    dataset_cmd,
    db_cmd,
    demo_cmd,
    evaluate_cmd,
    images_cmd,
    ingest_cmd,
    investigation_cmd,
    notices_cmd,
    public_cmd,
    registry_cmd,
    report_cmd,
    scan_cmd,
    train_cmd,
    web_cmd,
    webhooks_cmd,
)

app = typer.Typer(
    help="tisguard: find products sold online in Thailand without the mandatory TIS licence",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(catalogue_cmd.app, name="catalogue")
app.add_typer(registry_cmd.app, name="registry")
app.add_typer(dataset_cmd.app, name="dataset")
app.add_typer(report_cmd.app, name="report")
app.add_typer(report_cmd.holidays_app, name="holidays")
app.add_typer(db_cmd.app, name="db")
app.add_typer(notices_cmd.app, name="notices")
app.add_typer(public_cmd.app, name="public")
app.add_typer(images_cmd.app, name="images")
app.command()(ingest_cmd.ingest)
app.command()(train_cmd.train)
app.command()(scan_cmd.scan)
app.command("spark-scan")(scan_cmd.spark_scan)
app.command()(evaluate_cmd.evaluate)
app.command()(demo_cmd.demo)
app.command()(web_cmd.serve)
app.command("export-labels")(web_cmd.export_labels)
app.add_typer(web_cmd.users_app, name="user")
app.add_typer(web_cmd.platforms_app, name="platform")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(webhooks_cmd.app, name="webhooks")
app.command()(investigation_cmd.networks)
app.add_typer(investigation_cmd.recalls_app, name="recalls")

if __name__ == "__main__":
    app()
