"""The hash chain's rule: any edit, removal or reordering of an event breaks a link."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from careteam.domain.audit_chain import GENESIS, check_chain, event_hash

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def chain(count: int) -> list[dict]:
    events, previous = [], GENESIS
    for n in range(1, count + 1):
        event = {"id": n, "occurred_at": START + timedelta(minutes=n), "user_id": n, "role": "physician",
                 "patient_id": 7, "object_type": "note", "object_id": str(n), "action": "read",
                 "outcome": "success", "detail": None, "address": "10.0.0.1", "request_id": f"r{n}"}
        event["hash"] = event_hash(previous, event)
        previous = event["hash"]
        events.append(event)
    return events


def test_an_untouched_chain_is_intact_and_reports_its_head():
    events = chain(5)
    result = check_chain(events)
    assert (result.intact, result.events, result.head) == (True, 5, events[-1]["hash"])
    assert check_chain([]).intact and check_chain([]).events == 0


@pytest.mark.parametrize("tamper, broken_at", [
    (lambda e: e[2].update(action="export"), 3),            # content edited
    (lambda e: e[2].update(user_id=None), 3),                # who, erased
    (lambda e: e[1].update(occurred_at=START), 2),           # time moved
    (lambda e: e.pop(2), 4),                                 # an event removed
    (lambda e: e.insert(1, e.pop(3)), 4),                    # events reordered
    (lambda e: e[4].update(hash=None), 5),                   # the hash blanked
])
def test_tampering_breaks_the_first_affected_link(tamper, broken_at):
    events = chain(6)
    tamper(events)
    result = check_chain(events)
    assert not result.intact and result.broken_at == broken_at


def test_the_hash_does_not_depend_on_the_time_zone_the_time_was_given_in():
    event = chain(1)[0]
    shifted = {**event, "occurred_at": event["occurred_at"].astimezone(timezone(timedelta(hours=2)))}
    assert event_hash(GENESIS, shifted) == event["hash"]
