"""Functional goals scored 0-10 for ability, as in the Patient-Specific Functional Scale (PSFS).

- Change from baseline is the latest score minus the baseline; a change of 2 points or more
  either way is clinically meaningful (the PSFS's minimal detectable change).
- Progress toward the target is (latest - baseline) / (target - baseline), clamped to 0..1.
  Without a score yet it is 0. When the target equals the baseline (keeping an ability) it is
  1 while the latest score is at or above the target, else 0.
- A target is an ability the person wants back, so it may not be below the baseline.
- Status changes: active -> paused, achieved or dropped; paused -> active or dropped;
  achieved or dropped -> active (reopening), which needs a reason. Anything else is refused.
"""

from __future__ import annotations

from careteam.domain.vocabulary import GoalStatus

MEANINGFUL_CHANGE = 2
SCORE_MIN, SCORE_MAX = 0, 10

ALLOWED_TRANSITIONS: dict[GoalStatus, frozenset[GoalStatus]] = {
    GoalStatus.ACTIVE: frozenset({GoalStatus.PAUSED, GoalStatus.ACHIEVED, GoalStatus.DROPPED}),
    GoalStatus.PAUSED: frozenset({GoalStatus.ACTIVE, GoalStatus.DROPPED}),
    GoalStatus.ACHIEVED: frozenset({GoalStatus.ACTIVE}),
    GoalStatus.DROPPED: frozenset({GoalStatus.ACTIVE}),
}
REOPENED_FROM = frozenset({GoalStatus.ACHIEVED, GoalStatus.DROPPED})

STATUS_LABELS = {
    GoalStatus.ACTIVE: "Active",
    GoalStatus.PAUSED: "Paused",
    GoalStatus.ACHIEVED: "Achieved",
    GoalStatus.DROPPED: "Dropped",
}


def change_from_baseline(baseline: int, latest: int | None) -> int | None:
    return None if latest is None else latest - baseline


def is_meaningful(change: int | None) -> bool:
    return change is not None and abs(change) >= MEANINGFUL_CHANGE


def progress(baseline: int, target: int, latest: int | None) -> float:
    """How far from baseline toward target the latest score is, 0.0 to 1.0."""
    if latest is None:
        return 0.0
    if target == baseline:
        return 1.0 if latest >= target else 0.0
    return min(1.0, max(0.0, (latest - baseline) / (target - baseline)))


def target_problem(baseline: int, target: int) -> str | None:
    if target < baseline:
        return "The target is the ability you want back: it cannot be below the baseline."
    return None


def transition_allowed(current: GoalStatus, new: GoalStatus) -> bool:
    return new == current or new in ALLOWED_TRANSITIONS[current]


def transition_problem(current: GoalStatus, new: GoalStatus, reason: str) -> str | None:
    """Why a status change is refused, or None when it is allowed (same status: nothing to do)."""
    if new == current:
        return None
    if not transition_allowed(current, new):
        return f"A goal that is {STATUS_LABELS[current].lower()} cannot become {STATUS_LABELS[new].lower()}."
    if current in REOPENED_FROM and not reason.strip():
        return "Say why the goal is being reopened."
    return None
