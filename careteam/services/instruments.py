"""The questionnaire catalogue: definitions shipped in careteam/instruments/ plus a clinic's folder.

Read and checked once at start-up (create_app); a file that cannot be used stops the app with
its name and every problem, rather than scoring answers wrongly later.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from flask import current_app

from careteam.domain.instruments import Catalogue, DefinitionError, Instrument, parse_instrument

PACKAGE_DIRECTORY = resources.files("careteam") / "instruments"


def _read(path, catalogue: Catalogue, label: str) -> None:
    source = f"{label}/{path.name}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DefinitionError(source, {"_": f"is not valid JSON ({error})"}) from None
    instrument = parse_instrument(data, source)
    if instrument.id != path.name.removesuffix(".json"):
        raise DefinitionError(source, {"id": f"must be the file's name, {path.name.removesuffix('.json')}"})
    catalogue.add(instrument, source)


def load_catalogue(clinic_directory: str | None) -> Catalogue:
    catalogue = Catalogue()
    for path in sorted(p for p in PACKAGE_DIRECTORY.iterdir() if p.name.endswith(".json")):
        _read(path, catalogue, "careteam/instruments")
    folder = Path(clinic_directory) if clinic_directory else None
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            _read(path, catalogue, str(folder))
    return catalogue


def catalogue() -> Catalogue:
    return current_app.extensions["careteam_instruments"]


def instrument(instrument_id: str) -> Instrument | None:
    return catalogue().get(instrument_id)
