"""The migration that adds business time, misclicks and the entering cause keeps every
stay and fills the new columns of the ones already there (a database at the migration
before, with stays in it, migrated forward)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from milestones.models import MilestoneTransition
from reporting.models import MilestoneStay
from tests.milestones.factories import make_tracked_application
from tests.reporting.factories import move
from tests.support import latest_migrations, migrate_to, rows

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reporting", "0005_milestone_stays")]
# A Monday 10:00 UTC a week or two ahead: moves go forward from the workflow entry (now).
_AHEAD = datetime.now(UTC) + timedelta(days=7)
MONDAY = (_AHEAD + timedelta(days=7 - _AHEAD.weekday())).replace(
    hour=10, minute=0, second=0, microsecond=0
)


def test_existing_stays_are_kept_and_get_business_time_and_cause(tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    move(tenant_a, application, "advance", at=MONDAY)
    move(tenant_a, application, "advance", at=MONDAY + timedelta(hours=5))
    before = {s.pk for s in rows(MilestoneStay, application_id=application.pk)}

    migrate_to(BEFORE)
    migrate_to(latest_migrations())

    stays = {s.pk: s for s in rows(MilestoneStay, application_id=application.pk)}
    assert set(stays) == before
    screen = next(s for s in stays.values() if s.entered_at == MONDAY)
    assert screen.business_seconds == 5 * 3600 and not screen.reverted
    causes = {t.pk: t.cause for t in rows(MilestoneTransition, application_id=application.pk)}
    assert all(s.entered_cause == causes[s.entered_transition_id] for s in stays.values())
