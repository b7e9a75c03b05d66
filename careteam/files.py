"""Where the worker writes the files it makes (clinic-day bundles, record downloads):
CARETEAM_FILES_DIR, by default the instance folder."""

from __future__ import annotations

from pathlib import Path

from flask import current_app


def files_directory(name: str) -> Path:
    path = Path(current_app.config.get("CARETEAM_FILES_DIR") or current_app.instance_path) / name
    path.mkdir(parents=True, exist_ok=True)
    return path
