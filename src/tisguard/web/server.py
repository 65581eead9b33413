"""Serve the app with uvicorn on 127.0.0.1."""

from __future__ import annotations

import gc

from tisguard.config import Settings


def run_server(
    settings: Settings, port: int, engine_config=None, images=None, push_workers: int = 1, host: str = "127.0.0.1"
) -> None:
    import uvicorn

    from tisguard.web.app import create_app

    app = create_app(settings, engine_config=engine_config, images=images, push_workers=push_workers)
    gc.freeze()  # the loaded model and lexicon live as long as the server
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
