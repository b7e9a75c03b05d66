"""`python -m careteam.startup`: what `make run` prints before it starts the web server and the
worker: the address gunicorn really binds (gunicorn.conf.py, CARETEAM_BIND) and where e-mail goes."""

from __future__ import annotations

import runpy
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bind_address() -> str:
    bind = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["bind"]
    first = bind[0] if isinstance(bind, list) else bind
    if first.startswith("unix:"):
        return first
    host, _, port = first.rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return f"http://{host}:{port}"


def main() -> None:
    from careteam import create_app
    from careteam.services import email_transport

    app = create_app()
    with app.app_context():
        print(f"careteam is starting on {bind_address()} with a background worker (Ctrl-C stops both)")
        print(email_transport.describe())
        queue = app.config["CARETEAM_QUEUE_URL"] or "a SQLite file in instance/"
        print(f"Task queue: {queue}")


if __name__ == "__main__":
    main()
