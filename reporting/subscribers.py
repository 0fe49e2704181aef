"""Reporting hears every milestone move: keeps its read models current (in the move's
transaction) and, once it is committed, alerts on the regressions a tenant configured."""

from __future__ import annotations

from ats_milestones.events import Moment, subscribe
from milestones.events import MilestoneMoved
from reporting.alerts import regression_alert_on_move
from reporting.stays import stay_record_move


def connect() -> None:
    subscribe(MilestoneMoved, stay_record_move, moment=Moment.IN_TRANSACTION)
    subscribe(MilestoneMoved, regression_alert_on_move, moment=Moment.AFTER_COMMIT)
