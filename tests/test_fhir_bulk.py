"""The bulk FHIR export (issue 13, part 3): one NDJSON file per resource type plus a manifest,
for every patient, that re-reads as FHIR R4 with the database's counts, every reference
resolving inside the export and no psychologists-only note."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import func, select

from careteam.demo import load_demo_data
from careteam.extensions import db
from careteam.fhir.bulk import export_all
from careteam.fhir.checks import problems
from careteam.models import (
    AuditEvent, ExerciseDose, FunctionalGoal, GoalScore, Intervention, Note, Patient, QuestionnaireResponse,
    WeeklyCheckin,
)


def read_export(directory: Path) -> tuple[dict, dict[str, list[dict]]]:
    manifest = json.loads((directory / "manifest.json").read_text())
    found = {}
    for output in manifest["output"]:
        path = Path(output["url"].removeprefix("file://"))
        assert path.parent == directory.resolve() and path.name == f"{output['type']}.ndjson"
        lines = path.read_bytes().splitlines()
        assert len(lines) == output["count"]
        found[output["type"]] = [json.loads(line) for line in lines]
    return manifest, found


def count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery()))


def test_the_bulk_export_rereads_with_the_databases_counts(app, tmp_path):
    with app.app_context():
        load_demo_data()
        result = export_all(tmp_path / "out", batch=1)  # batches of one: the paging is exercised too
        expected = {
            "Patient": count(select(Patient.id)),
            "Goal": count(select(FunctionalGoal.id)),
            "Procedure": count(select(Intervention.id)),
            "ServiceRequest": count(select(ExerciseDose.id)),
            "Provenance": count(select(ExerciseDose.id)),
            "QuestionnaireResponse": count(select(WeeklyCheckin.id)) + count(select(QuestionnaireResponse.id)),
        }
        goal_scores = count(select(GoalScore.id))
        shared_notes = count(select(Note.id).where(Note.visibility.in_(["team_and_patient", "clinicians"]),
                                                   Note.voided_at.is_(None)))
        psych_notes = {n.body for n in db.session.scalars(select(Note).where(Note.visibility == "psychologists"))}
        audited = db.session.scalar(select(func.count()).where(AuditEvent.object_type == "fhir_bulk"))
    manifest, found = read_export(tmp_path / "out")
    # At least the demo's two; a PostgreSQL run once found another test's demo left in the worker's
    # database, and the counts below compare with the database whatever it holds.
    assert result.patients == expected["Patient"] >= 2
    assert audited == 1
    for kind, number in expected.items():
        assert len(found[kind]) == number, kind
    observations = Counter(o["code"]["coding"][0]["code"] for o in found["Observation"])
    assert observations["goal-ability"] == goal_scores
    notes = [c for c in found["Communication"] if c["category"][0]["coding"][0]["code"] == "clinical-note"]
    assert len(notes) == shared_notes  # addenda included, voided and psychologists-only left out
    assert not {p["contentString"] for c in found["Communication"] for p in c["payload"]} & psych_notes
    everything = [r for resources in found.values() for r in resources]
    assert problems(everything) == []  # ids unique across patients, every reference resolves
    for resource in everything:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert {o["type"] for o in manifest["output"]} == set(found) and manifest["requiresAccessToken"] is False
    assert manifest["transactionTime"].endswith("+00:00")


def test_since_exports_only_changed_records_and_the_command_refuses_a_used_directory(app, tmp_path):
    with app.app_context():
        load_demo_data()
    runner = app.test_cli_runner()
    later = (date.today() + timedelta(days=2)).isoformat()
    result = runner.invoke(args=["export-fhir", str(tmp_path / "none"), "--since", later])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 patients")
    assert json.loads((tmp_path / "none" / "manifest.json").read_text())["output"] == []
    earlier = (date.today() - timedelta(days=3 * 365)).isoformat()
    result = runner.invoke(args=["export-fhir", str(tmp_path / "all"), "--since", earlier])
    assert result.exit_code == 0 and result.output.startswith("2 patients"), result.output
    again = runner.invoke(args=["export-fhir", str(tmp_path / "all")])
    assert again.exit_code == 1 and "already holds an export" in again.output


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01"])
def test_a_bad_since_is_refused(app, tmp_path, bad):
    result = app.test_cli_runner().invoke(args=["export-fhir", str(tmp_path), "--since", bad])
    assert result.exit_code == 2 and "--since" in result.output
