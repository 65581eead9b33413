from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from tisguard.cli.common import DataOpt, engine_for, fail, settings_for
from tisguard.cli.engine_opts import ConfigOpt

users_app = typer.Typer(help="Officer accounts")
platforms_app = typer.Typer(help="Platforms and their API keys")


def serve(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 8000,
    data: DataOpt = None,
    config: ConfigOpt = None,
    images: Annotated[bool, typer.Option("--images", help="read photos of pushed and checked listings (URLs)")] = False,
    push_workers: Annotated[
        int,
        typer.Option(
            envvar="TISGUARD_PUSH_WORKERS",
            min=0,
            max=64,
            help="processes that assess platform pushes (0: in the web process, one push at a time)",
        ),
    ] = 1,
) -> None:
    """Serve the web app (officer pages, JSON API, platform API) on 127.0.0.1, with the same engine
    configuration as `scan --config` (so the pre-listing check answers as a scan would)."""
    from tisguard.detect.config import ConfigError, load_config
    from tisguard.pipeline.build import ImageSource
    from tisguard.web.server import run_server

    settings = settings_for(data)
    try:
        engine_config = load_config(config)
    except ConfigError as e:
        fail(f"engine configuration refused: {e}")
    typer.echo(f"tisguard web app: http://127.0.0.1:{port}/  (OpenAPI: /docs)")
    run_server(
        settings, port, engine_config, ImageSource.for_settings(settings, None) if images else None, push_workers
    )


@users_app.command("add")
def user_add(
    name: str, role: Annotated[str, typer.Option(help="officer | supervisor | admin")] = "officer", data: DataOpt = None
) -> None:
    """Create a user, or reset one's password and role (ending its sessions); the password is read from stdin."""
    from tisguard.services.users import UserError, add_user

    password = sys.stdin.readline().rstrip("\n")
    try:
        add_user(engine_for(settings_for(data)), name, password, role)
    except UserError as e:
        fail(str(e))
    typer.echo(f"user {name} ({role}) saved")


def _set_active(name: str, active: bool, data) -> int:
    from tisguard.services.users import UserError, set_active

    try:
        return set_active(engine_for(settings_for(data)), name, active)
    except UserError as e:
        fail(str(e))


@users_app.command("disable")
def user_disable(name: str, data: DataOpt = None) -> None:
    """Disable an account: it can no longer sign in, and its open sessions end at once."""
    ended = _set_active(name, False, data)
    typer.echo(f"user {name} disabled; {ended} session(s) ended")


@users_app.command("enable")
def user_enable(name: str, data: DataOpt = None) -> None:
    """Let a disabled account sign in again."""
    _set_active(name, True, data)
    typer.echo(f"user {name} enabled")


def _platform_call(fn, *args) -> str:
    from tisguard.services.platforms import PlatformError

    try:
        return fn(*args)
    except PlatformError as e:
        fail(str(e))


@platforms_app.command("add")
def platform_add(name: str, data: DataOpt = None) -> None:
    """Create a platform and print its new API key (last line; shown only once)."""
    from tisguard.services.platforms import add_platform

    key = _platform_call(add_platform, engine_for(settings_for(data)), name)
    typer.echo(f"platform {name}: new API key (store it now, it is not shown again):")
    typer.echo(key)


@platforms_app.command("rotate")
def platform_rotate(name: str, data: DataOpt = None) -> None:
    """Revoke the platform's keys and print a new one (last line)."""
    from tisguard.services.platforms import rotate_key

    typer.echo(_platform_call(rotate_key, engine_for(settings_for(data)), name))


@platforms_app.command("revoke")
def platform_revoke(name: str, data: DataOpt = None) -> None:
    """Revoke every key of the platform."""
    from tisguard.services.platforms import revoke_keys

    typer.echo(f"revoked {_platform_call(revoke_keys, engine_for(settings_for(data)), name)} key(s)")


@platforms_app.command("webhook")
def platform_webhook(
    name: str,
    url: Annotated[Optional[str], typer.Argument(help="https URL; omit to remove")] = None,
    data: DataOpt = None,
) -> None:
    """Set the URL that receives new notices (signed with HMAC-SHA256); prints the signing secret."""
    from tisguard.services.platforms import set_webhook

    secret = _platform_call(set_webhook, engine_for(settings_for(data)), name, url)
    typer.echo(f"webhook signing secret: {secret}" if secret else "webhook removed")


def export_labels(
    out: Annotated[Optional[str], typer.Option("--out", help="JSON Lines file (default: stdout)")] = None,
    data: DataOpt = None,
) -> None:
    """Export confirmed and dismissed listings as labelled records (listing-v1 + label) for retraining."""
    from tisguard.detect.evidence import dumps
    from tisguard.services.decisions import export_labels as export

    sink = open(out, "w", encoding="utf-8") if out else sys.stdout
    n = 0
    for rec in export(engine_for(settings_for(data), write=False)):
        sink.write(dumps(rec) + "\n")
        n += 1
    if out:
        sink.close()
    typer.echo(f"exported {n} labelled records", err=True)
