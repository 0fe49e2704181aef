"""Reporting hears every milestone move and keeps its read models current."""

from __future__ import annotations

from ats_milestones.events import Moment, subscribe
from milestones.events import MilestoneMoved
from reporting.stays import stay_record_move


def connect() -> None:
    subscribe(MilestoneMoved, stay_record_move, moment=Moment.IN_TRANSACTION)
