"""Milestone stays kept current: each move closes the application's open stay (unless it
stays where it is) and opens one in the milestone it entered, in the move's transaction
and one statement. The same rules replay the whole log in `stays_rebuild`."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from django.db import connection, transaction

from milestones.events import MilestoneMoved
from milestones.models import MilestoneTransition
from recruiting.models import Application, Requisition
from reporting.business_time import business_seconds_sql
from reporting.models import (
    DEFAULT_MISCLICK_WINDOW_SECONDS,
    MilestoneStay,
    ReportingSettings,
    StayEnding,
)
from tenants.context import all_tenants_context

# How a stay ends, by the kind of the move that leaves it (a move that ends the
# application as hired says `hired` whatever its kind).
ENDING_OF_KIND = {
    "advance": StayEnding.ADVANCED,
    "complete": StayEnding.ADVANCED,
    "skip": StayEnding.SKIPPED,
    "bypass": StayEnding.BYPASSED,
    "regression": StayEnding.REGRESSED,
    "fail": StayEnding.FAILED,
    "reject": StayEnding.REJECTED,
    "withdraw": StayEnding.WITHDRAWN,
}
_ENDING_SQL = " ".join(f"WHEN '{kind}' THEN '{ending}'" for kind, ending in ENDING_OF_KIND.items())

_STAYS = MilestoneStay._meta.db_table
_SETTINGS = ReportingSettings._meta.db_table
_BUSINESS_SECONDS = business_seconds_sql(start="s.entered_at", end="t.at", tenant="t.tenant_id")
# The move (t) leaves the open stay (left); when it goes back to the milestone of the stay
# that `left` followed (before) within the misclick window, `left` was a misclick: it is
# closed as reverted and `before` is opened again instead of a new stay. Each write reads
# the one before it (count(*)), so they run in order and the one-open-stay index holds.
_MOVE_SQL = f"""
WITH t AS (
    SELECT t.id, t.tenant_id, t.application_id, t.to_milestone_id, t.kind, t.cause, t.at,
           a.status, r.id AS requisition_id, r.department_id, r.recruiter_id,
           r.job_family_id, r.requisition_type_id, r.framework_version_id,
           make_interval(secs => coalesce(
               (SELECT rs.misclick_window_seconds FROM {_SETTINGS} rs
                WHERE rs.tenant_id = t.tenant_id), {DEFAULT_MISCLICK_WINDOW_SECONDS})) AS misclick
    FROM {MilestoneTransition._meta.db_table} t
    JOIN {Application._meta.db_table} a ON a.id = t.application_id
    JOIN {Requisition._meta.db_table} r ON r.id = a.requisition_id
    WHERE t.id = %(transition)s AND t.tenant_id = %(tenant)s
), left_stay AS (
    SELECT s.id, s.entered_at, s.entered_transition_id FROM {_STAYS} s, t
    WHERE s.tenant_id = t.tenant_id AND s.application_id = t.application_id
      AND s.left_at IS NULL AND s.milestone_id IS DISTINCT FROM t.to_milestone_id
), before AS (
    SELECT b.id FROM {_STAYS} b, left_stay l, t
    WHERE b.tenant_id = t.tenant_id AND b.application_id = t.application_id
      AND b.left_transition_id = l.entered_transition_id
      AND b.milestone_id = t.to_milestone_id AND NOT b.reverted
      AND t.at - l.entered_at <= t.misclick
), closed AS (
    UPDATE {_STAYS} s
    SET left_at = t.at, left_transition_id = t.id, updated_at = t.at,
        calendar_seconds = extract(epoch FROM t.at - s.entered_at),
        business_seconds = {_BUSINESS_SECONDS},
        reverted = EXISTS (SELECT 1 FROM before),
        ended = CASE WHEN t.status = 'hired' THEN 'hired' ELSE CASE t.kind {_ENDING_SQL}
                ELSE 'advanced' END END
    FROM t
    WHERE s.id IN (SELECT id FROM left_stay) AND s.tenant_id = t.tenant_id
    RETURNING s.id
), reopened AS (
    UPDATE {_STAYS} b
    SET left_at = NULL, left_transition_id = NULL, ended = '', calendar_seconds = NULL,
        business_seconds = NULL, updated_at = t.at
    FROM t, (SELECT count(*) FROM closed) AS first_closed
    WHERE b.id IN (SELECT id FROM before) AND b.tenant_id = t.tenant_id
    RETURNING b.id
)
INSERT INTO {_STAYS} (id, tenant_id, created_at, updated_at, application_id, milestone_id,
    requisition_id, department_id, recruiter_id, job_family_id, requisition_type_id,
    framework_version_id, entered_at, left_at, ended, calendar_seconds, business_seconds,
    reverted, entered_cause, entered_transition_id, left_transition_id)
SELECT gen_random_uuid(), t.tenant_id, t.at, t.at, t.application_id, t.to_milestone_id,
    t.requisition_id, t.department_id, t.recruiter_id, t.job_family_id,
    t.requisition_type_id, t.framework_version_id, t.at, NULL, '', NULL, NULL, false,
    t.cause, t.id, NULL
FROM t, (SELECT count(*) FROM closed) AS first_closed,  -- after both UPDATEs
     (SELECT count(*) AS n FROM reopened) AS first_reopened
WHERE t.to_milestone_id IS NOT NULL AND first_reopened.n = 0 AND NOT EXISTS (
    SELECT 1 FROM {_STAYS} s WHERE s.tenant_id = t.tenant_id
      AND s.application_id = t.application_id AND s.left_at IS NULL
      AND s.milestone_id = t.to_milestone_id)
ON CONFLICT DO NOTHING
"""  # noqa: S608 -- table names are the models', values are parameters


def stay_record_move(event: MilestoneMoved) -> None:
    """The subscriber of every move (inside its transaction): one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_MOVE_SQL, {"transition": event.transition_id, "tenant": event.tenant_id})


def stays_of_moves(moves: Iterable[tuple], *, misclick: timedelta) -> Iterator[MilestoneStay]:
    """Replay one tenant's log, ordered by application then time: the stays it makes, by
    the rules of the move's statement (a move back within `misclick` reverts the stay it
    leaves and opens the one before again). A move is (transition id, tenant id,
    application id, to milestone id, kind, cause, at, application status after it,
    requisition facts...). Business time is left to `stays_rebuild` (one UPDATE)."""
    open_stay: MilestoneStay | None = None
    before: MilestoneStay | None = None  # the last closed stay, held back: it may reopen
    current_application = None
    for move in moves:
        (transition_id, tenant_id, application_id, to_id, kind, cause, at, status, *facts) = move
        if application_id != current_application:
            yield from (stay for stay in (before, open_stay) if stay is not None)
            open_stay, before, current_application = None, None, application_id
        if open_stay is not None and open_stay.milestone_id != to_id:
            open_stay.left_at, open_stay.left_transition_id = at, transition_id
            open_stay.calendar_seconds = (at - open_stay.entered_at).total_seconds()
            open_stay.ended = (
                StayEnding.HIRED
                if status == "hired"
                else ENDING_OF_KIND.get(kind, StayEnding.ADVANCED)
            )
            undone = (
                before is not None
                and before.milestone_id == to_id
                and before.left_transition_id == open_stay.entered_transition_id
                and at - open_stay.entered_at <= misclick
            )
            if undone:
                open_stay.reverted = True
                yield open_stay
                open_stay, before = before, None
                open_stay.left_at = open_stay.left_transition_id = None
                open_stay.calendar_seconds, open_stay.ended = None, ""
                continue
            if before is not None:
                yield before
            before, open_stay = open_stay, None
        if to_id is not None and open_stay is None:
            requisition_id, department, recruiter, family, rtype, version = facts
            open_stay = MilestoneStay(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                application_id=application_id,
                milestone_id=to_id,
                requisition_id=requisition_id,
                department_id=department,
                recruiter_id=recruiter,
                job_family_id=family,
                requisition_type_id=rtype,
                framework_version_id=version,
                entered_at=at,
                created_at=at,
                updated_at=at,
                entered_cause=cause,
                entered_transition_id=transition_id,
            )
    yield from (stay for stay in (before, open_stay) if stay is not None)


_LOG_SQL = f"""
SELECT t.id, t.tenant_id, t.application_id, t.to_milestone_id, t.kind, t.cause, t.at,
       CASE WHEN t.application_version = a.version THEN a.status
            WHEN t.kind IN ('reject', 'fail') THEN 'rejected'
            WHEN t.kind = 'withdraw' THEN 'withdrawn' ELSE 'active' END,
       r.id, r.department_id, r.recruiter_id, r.job_family_id, r.requisition_type_id,
       r.framework_version_id
FROM {MilestoneTransition._meta.db_table} t
JOIN {Application._meta.db_table} a ON a.id = t.application_id
JOIN {Requisition._meta.db_table} r ON r.id = a.requisition_id
WHERE t.tenant_id = %s
ORDER BY t.application_id, t.at, t.application_version
"""  # noqa: S608 -- table names are the models'


_BUSINESS_TIME_FILL_SQL = f"""
UPDATE {_STAYS} s SET business_seconds = {
    business_seconds_sql(start="s.entered_at", end="s.left_at", tenant="s.tenant_id")
}
WHERE s.tenant_id = %s AND s.left_at IS NOT NULL
"""  # noqa: S608 -- the table names are the models'


def progress_bar(done: int, total: int, *, out=sys.stderr, width: int = 30) -> None:
    filled = width * done // total if total else width
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} transitions")
    if done >= total:
        out.write("\n")
    out.flush()


@transaction.atomic
def stays_rebuild(
    *, tenant_id: uuid.UUID, progress: Callable[[int, int], None] | None = None
) -> int:
    """Replace one tenant's stays by a replay of its transition log (idempotent: run it
    twice, get the same stays). Reads the log through a server-side cursor and writes in
    batches, so memory stays flat whatever the size. Returns how many stays it made."""
    with all_tenants_context():
        total = MilestoneTransition.all_tenants.filter(tenant_id=tenant_id).count()
        MilestoneStay.all_tenants.filter(tenant_id=tenant_id).delete()
        made, read, batch = 0, 0, []

        def moves() -> Iterator[tuple]:
            nonlocal read
            with connection.chunked_cursor() as cursor:
                cursor.execute(_LOG_SQL, [tenant_id])
                for row in cursor:
                    read += 1
                    if progress and read % 5000 == 0:
                        progress(read, total)
                    yield row

        settings = ReportingSettings.all_tenants.filter(tenant_id=tenant_id).first()
        window = settings.misclick_window_seconds if settings else DEFAULT_MISCLICK_WINDOW_SECONDS
        for stay in stays_of_moves(moves(), misclick=timedelta(seconds=window)):
            batch.append(stay)
            if len(batch) >= 5000:
                MilestoneStay.all_tenants.bulk_create(batch)
                made, batch = made + len(batch), []
        MilestoneStay.all_tenants.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute(_BUSINESS_TIME_FILL_SQL, [tenant_id])
        if progress:
            progress(total, total)
        return made + len(batch)


def stay_open_seconds(stay: MilestoneStay, now: datetime) -> float:
    """Calendar time of a stay, open ones up to `now`."""
    end = stay.left_at or now
    return (end - stay.entered_at).total_seconds()
