"""The audit trail's hash chain: each event's hash covers its content and the previous hash.

Pure: the same function writes the chain (a mapper hook), checks it (`flask audit verify`)
and fills it in for events older than the chain (the migration).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

# The fields an event's hash covers, in this order. Adding one changes every hash: a new
# field needs a new chain version, never an edit of this list.
CHAINED_FIELDS = (
    "occurred_at", "user_id", "role", "patient_id", "object_type", "object_id",
    "action", "outcome", "detail", "address", "request_id", "break_glass_grant_id",
)
GENESIS = "0" * 64


def _canonical(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def event_hash(previous_hash: str | None, event: Mapping) -> str:
    content = [_canonical(event.get(name)) for name in CHAINED_FIELDS]
    payload = json.dumps([previous_hash or GENESIS, content], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    events: int
    broken_at: int | None = None  # the id of the first event whose hash does not match
    reason: str = ""
    head: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def check_chain(events: Iterable[Mapping]) -> ChainCheck:
    """Events in id order, each a mapping with "id", "hash" and the chained fields."""
    previous, count = GENESIS, 0
    for event in events:
        count += 1
        if not event.get("hash"):
            return ChainCheck(count, event["id"], "has no hash", previous)
        if event["hash"] != event_hash(previous, event):
            return ChainCheck(count, event["id"], "content or previous link does not match its hash", previous)
        previous = event["hash"]
    return ChainCheck(count, head=previous)
