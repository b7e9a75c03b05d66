"""Questionnaire definition files: what a usable one needs, and the start-up error for a broken one."""

from __future__ import annotations

import copy
import json

import pytest

from careteam import create_app
from careteam.domain.instruments import DefinitionError, parse_instrument
from careteam.services.instruments import PACKAGE_DIRECTORY, load_catalogue

VALID = {
    "id": "odi", "version": "2.1a", "title": "Oswestry Disability Index", "short_title": "ODI",
    "recall_period": "Today", "reference": "Fairbank JC, Pynsent PB. Spine 2000;25:2940-2952.",
    "licence": "Licensed to this clinic (licence no. 123).",
    "options": [{"value": v, "text": f"Statement {v}"} for v in range(6)],
    "items": [{"linkId": f"s{i}", "text": f"Section {i}"} for i in range(1, 11)],
    "scoring": {"method": "percent", "max_missing": 1,
                "bands": [{"label": "minimal disability", "when": {"score": [0, 20]}}]},
}


def broken(path: str, value):
    data = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    if value is None:
        del target[last]
    else:
        target[last] = value
    return data


def test_every_shipped_definition_is_valid_and_carries_reference_and_licence():
    catalogue = load_catalogue(None)
    assert {i.id for i in catalogue} == {"phq9", "gad7", "peg", "startback"}
    for instrument in catalogue:
        assert instrument.reference and instrument.licence and instrument.recall_period
    assert "Keele" in catalogue.get("startback").licence
    assert "non-commercial" in catalogue.get("startback").licence
    assert "No permission is required" in catalogue.get("phq9").licence


def test_a_valid_clinic_definition_parses():
    instrument = parse_instrument(VALID, "odi.json")
    assert (instrument.id, instrument.method, len(instrument.items), instrument.score_range) == ("odi", "percent", 10, (0, 100))


@pytest.mark.parametrize("path,value,field", [
    ("licence", None, "licence"),
    ("reference", None, "reference"),
    ("licence", "  ", "licence"),
    ("scoring.method", "median", "scoring.method"),
    ("scoring.max_missing", 10, "scoring.max_missing"),
    ("scoring.bands", [{"label": "x", "when": {"total": [0, 3]}}], "scoring.bands[0]"),
    ("scoring.bands", [{"label": "x", "when": {"score": [5, 3]}}], "scoring.bands[0].when.score"),
    ("scoring.flags", [{"id": "f", "label": "F", "linkId": "nope", "min": 1}], "scoring.flags[0]"),
    ("scoring.subscales", [{"id": "a", "items": ["s1", "zz"]}], "scoring.subscales[0]"),
    ("scoring.meaningful_change", {"points": 10}, "scoring.meaningful_change"),
    ("items", [], "items"),
    ("items", [{"linkId": "a", "text": "A"}, {"linkId": "a", "text": "B"}], "items"),
    ("options", [{"value": 1, "text": "x"}, {"value": 1, "text": "y"}], "items[0].options"),
])
def test_broken_definitions_are_refused_with_the_field(path, value, field):
    with pytest.raises(DefinitionError) as caught:
        parse_instrument(broken(path, value), "odi.json")
    assert field in caught.value.problems
    assert "odi.json" in str(caught.value)



def test_start_up_reads_a_clinic_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CARETEAM_INSTRUMENTS_DIR", str(tmp_path))
    (tmp_path / "odi.json").write_text(json.dumps(VALID))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.extensions["careteam_instruments"].get("odi").title == "Oswestry Disability Index"


@pytest.mark.parametrize("name,content,words", [
    ("odi.json", json.dumps(broken("licence", None)), "licence"),
    ("odi.json", json.dumps(broken("scoring.method", "median")), "scoring.method"),
    ("odi.json", "{not json", "not valid JSON"),
    ("other.json", json.dumps(VALID), "must be the file's name"),
    ("phq9.json", (PACKAGE_DIRECTORY / "phq9.json").read_text(encoding="utf-8"), "already defined"),
])
def test_a_broken_clinic_file_stops_start_up_naming_the_file(tmp_path, monkeypatch, name, content, words):
    monkeypatch.setenv("CARETEAM_INSTRUMENTS_DIR", str(tmp_path))
    (tmp_path / name).write_text(content)
    with pytest.raises(DefinitionError) as caught:
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert name in str(caught.value) and words in str(caught.value)
