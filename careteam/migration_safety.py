"""Downgrades that would delete the clinical record or the audit trail refuse unless forced."""

from __future__ import annotations

import os

ALLOW_DATA_LOSS = "CARETEAM_ALLOW_DATA_LOSS"


class DataLossRefused(RuntimeError):
    pass


def refuse_data_loss(revision: str, what: str) -> None:
    """Call first in a downgrade() that drops tables or columns holding data."""
    if os.environ.get(ALLOW_DATA_LOSS) == "1":
        return
    raise DataLossRefused(
        f"Refusing to downgrade past {revision}: it would delete {what}. Nothing was changed. "
        f"Back up first (flask --app careteam backup PATH), then run again with {ALLOW_DATA_LOSS}=1."
    )
