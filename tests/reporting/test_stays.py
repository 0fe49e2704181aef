"""Milestone stays: kept current by every move, and the same when rebuilt from the log."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from milestones.services.transitions.moves import application_transition
from reporting.models import MilestoneStay
from reporting.stays import stays_rebuild
from tenants.context import tenant_context
from tests.milestones.factories import make_tracked_application, make_version, milestone_of
from tests.support import rows

pytestmark = pytest.mark.django_db

FIELDS = (
    "milestone_id",
    "entered_at",
    "left_at",
    "ended",
    "calendar_seconds",
    "business_seconds",
    "reverted",
    "entered_cause",
)


def _move(tenant, application, action, **kw):
    with tenant_context(tenant):
        return application_transition(
            application_id=application.pk, action=action, expected_version=None, **kw
        )


def _stays(application) -> list[tuple]:
    stays = rows(MilestoneStay, application_id=application.pk)
    return sorted((tuple(getattr(s, f) for f in FIELDS) for s in stays), key=lambda s: s[1])


def test_each_move_closes_the_open_stay_and_opens_the_next(tenant_a):
    version = make_version(tenant=tenant_a, milestones={"SCREEN": {"mandatory": False}})
    application = make_tracked_application(tenant=tenant_a, version=version)
    advanced = _move(tenant_a, application, "advance")
    skipped = _move(tenant_a, application, "skip", reason="referral")
    back = _move(tenant_a, application, "regress", to_code="APPLIED", reason="re-check")

    applied, screen = milestone_of(version, "APPLIED"), milestone_of(version, "SCREEN")
    stays = _stays(application)
    assert [(s[0], s[3]) for s in stays] == [
        (applied.pk, "advanced"),
        (screen.pk, "skipped"),
        (milestone_of(version, "INTERVIEW").pk, "regressed"),
        (applied.pk, ""),  # open again, after the regression
    ]
    assert stays[1][1:3] == (advanced.at, skipped.at)
    assert stays[1][4] == (skipped.at - advanced.at).total_seconds()
    assert stays[3][1:3] == (back.at, None)
    [stay] = rows(MilestoneStay, application_id=application.pk, milestone_id=applied.pk, ended="")
    assert stay.requisition_id == application.requisition_id
    assert stay.framework_version_id == version.pk


def test_a_rejection_stops_the_stay_and_opens_none(tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    _move(tenant_a, application, "advance")
    rejected = _move(tenant_a, application, "reject", reason="No visa")

    stays = _stays(application)
    assert [s[3] for s in stays] == ["advanced", "rejected"]
    assert stays[-1][2] == rejected.at
    assert rows(MilestoneStay, application_id=application.pk, left_at=None) == []


def test_hiring_ends_the_last_stay_as_hired(tenant_a):
    version = make_version(
        tenant=tenant_a,
        codes=("APPLIED", "HIRED"),
        milestones={"HIRED": {"terminal_kind": "hired"}},
    )
    application = make_tracked_application(tenant=tenant_a, version=version)
    _move(tenant_a, application, "advance")
    _move(tenant_a, application, "advance")

    assert [s[3] for s in _stays(application)] == ["advanced", "hired"]


def test_a_rebuild_from_the_log_gives_the_same_stays_and_twice_changes_nothing(tenant_a):
    version = make_version(tenant=tenant_a, milestones={"SCREEN": {"mandatory": False}})
    applications = [make_tracked_application(tenant=tenant_a, version=version) for _ in range(3)]
    _move(tenant_a, applications[0], "advance")
    _move(tenant_a, applications[0], "skip", reason="fast")
    _move(tenant_a, applications[1], "withdraw", reason="took another offer")
    _move(tenant_a, applications[2], "advance")
    # Back within the misclick window: the Screen stay is reverted, Applied goes on.
    _move(tenant_a, applications[2], "regress", to_code="APPLIED", reason="again")
    kept_current = {a.pk: _stays(a) for a in applications}

    assert stays_rebuild(tenant_id=tenant_a.pk) == sum(len(s) for s in kept_current.values())
    assert {a.pk: _stays(a) for a in applications} == kept_current
    out = StringIO()
    call_command("reporting_stays_rebuild", tenant=tenant_a.slug, stdout=out, stderr=StringIO())
    assert {a.pk: _stays(a) for a in applications} == kept_current
    assert "6 stays" in out.getvalue()


def test_rebuilding_one_tenant_leaves_the_others_alone(tenant_a, tenant_b):
    ours = make_tracked_application(tenant=tenant_a)
    theirs = make_tracked_application(tenant=tenant_b)
    before = _stays(theirs)

    stays_rebuild(tenant_id=tenant_a.pk)

    assert _stays(theirs) == before
    assert len(_stays(ours)) == 1
