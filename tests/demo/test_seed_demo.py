"""`manage.py seed_demo` gives each demo tenant a full, separate data set, once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from audit.models import AuditEvent
from demo.data import PEOPLE
from milestones.models import (
    ApplicationDeadline,
    ApplicationEvent,
    ApplicationMilestone,
    AutomationFailure,
    AutomationRule,
    DeadlineFiring,
    DeadlineRule,
    EscalationRule,
    FrameworkVersion,
    Holiday,
    MilestoneDefinition,
    MilestoneSettings,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
    VersionStatus,
)
from milestones.services.timers.sweep import milestones_sweep
from milestones.services.transitions.moves import application_transition
from notifications.models import Notification
from recruiting.models import Application, ApplicationStatus, Candidate, Requisition
from reporting.models import MilestoneStay
from reporting.reports import ReportFilters, funnel, recruiter_performance, time_to_fill
from tenants.context import all_tenants_context, tenant_context
from tenants.models import (
    ApiClient,
    Department,
    Location,
    Membership,
    RequisitionType,
    Role,
    Tenant,
)

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_gives_each_tenant_its_own_full_data_set():
    _seed()
    tenants = Tenant.objects.order_by("slug")
    assert [t.name for t in tenants] == ["Acme Corp", "Globex Inc"]
    for tenant in tenants:
        with tenant_context(tenant):
            assert Requisition.objects.count() == 20
            assert Candidate.objects.count() == 500
            assert Application.objects.count() == 500
            assert RequisitionType.objects.count() >= 3
            assert {"US", "GB", "DE"} <= set(Location.objects.values_list("country", flat=True))
            assert Department.objects.filter(parent__parent__isnull=False).exists()  # 3 levels
            assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
            assert ApiClient.objects.count() == 1
            assert Application.objects.values("source").distinct().count() > 1
            assert Application.objects.values("hire_type").distinct().count() > 1
            assert Application.objects.values("status").distinct().count() > 1


def test_seed_demo_tracks_every_active_application_through_a_published_framework():
    _seed()
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            version = FrameworkVersion.objects.get(status=VersionStatus.ACTIVE)
            codes = list(version.milestones.order_by("order").values_list("code", flat=True))
            assert codes[0] == "APPLICATION_REVIEW" and codes[-1] == "HIRED"
            assert len(codes) == 7
            background = MilestoneDefinition.objects.get(version=version, code="BACKGROUND_CHECK")
            assert set(background.bypass_hire_types) == {"executive", "urgent"}
            assert not Requisition.objects.filter(framework_version__isnull=True).exists()
            active = Application.objects.filter(status=ApplicationStatus.ACTIVE)
            assert active.exists()
            assert not active.filter(current_milestone__isnull=True).exists()
            assert active.values("current_milestone").distinct().count() >= 5
            rows = ApplicationMilestone.objects.filter(state=MilestoneState.ACTIVE)
            assert rows.count() == active.count()
            assert rows.filter(due_at__lt=timezone.now()).exists()  # some are overdue
            assert MilestoneTransition.objects.count() > active.count()
            # Every seeded transition is on the audit trail, as a live move's would be.
            audited = set(
                AuditEvent.objects.filter(
                    action__in=("milestone.initialized", "milestone.transitioned")
                ).values_list("data__transition_id", flat=True)
            )
            transitions = {
                str(pk) for pk in MilestoneTransition.objects.values_list("pk", flat=True)
            }
            assert transitions <= audited
            # The seeded progress is one the engine accepts: the next move goes through.
            seeded = active.filter(current_milestone__code="PHONE_SCREEN").first()
            moved = application_transition(
                application_id=seeded.pk, action="advance", expected_version=seeded.version
            )
            assert moved.to_milestone.code == "ASSESSMENT"


def test_seed_demo_publishes_automation_escalations_deadlines_and_a_calendar():
    _seed()
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            version = FrameworkVersion.objects.get(status=VersionStatus.ACTIVE)
            rules = {r.name: r for r in AutomationRule.objects.filter(version=version)}
            passing = rules["Advance on a passing assessment"]
            assert passing.event_type == "assessment.completed"
            assert passing.conditions == {"fact": "payload.score", "op": "gte", "value": 70}
            skip = rules["No phone screen for referrals and internal transfers"]
            assert not skip.milestone.mandatory
            ladder = EscalationRule.objects.filter(milestone__code="ASSESSMENT").order_by("level")
            assert [(r.after.total_seconds() / 3600, r.notify) for r in ladder] == [
                (48, ["recruiter"]),
                (96, ["hiring_manager"]),
                (120, ["hrbp"]),
            ]
            assert ladder.last().mark_overdue
            assert EscalationRule.objects.filter(business_hours=True).exists()
            offset = DeadlineRule.objects.get(name="Offer expires in 2 days").offset
            assert offset.days == -2
            assert MilestoneSettings.objects.get().business_timezone != "UTC"
            assert Holiday.objects.count() == 6  # three a year, this year and next
            assert ApplicationDeadline.objects.filter(kind="offer_expires_at").count() == 6
            # The passing assessment result moved its application on when it arrived.
            assert ApplicationEvent.objects.count() == 2
            assert MilestoneTransition.objects.filter(cause=TransitionCause.TRIGGER).count() == 1


def test_one_sweep_after_the_seed_fills_inboxes_overdue_badges_and_failures():
    _seed()
    result = milestones_sweep()
    assert result.escalated_stays and result.firings and result.failures
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            kinds = set(Notification.objects.values_list("kind", flat=True))
            assert {"milestone.escalated", "deadline.remind", "deadline.alert"} <= kinds
            recruiter = Membership.objects.get(role=Role.RECRUITER, user__username__contains="-")
            assert Notification.objects.filter(recipient=recruiter.user).exists()
            assert ApplicationMilestone.objects.filter(
                state=MilestoneState.ACTIVE, overdue_since__isnull=False
            ).exists()
            outcomes = sorted(DeadlineFiring.objects.values_list("outcome", flat=True))
            assert "moved to OFFER" in outcomes
            failures = AutomationFailure.objects.filter(status="open")
            assert failures.count() == 2  # the two moves past a pending background check
            assert {f["to_code"] for f in failures.values_list("attempted", flat=True)} == {"OFFER"}
    # A second sweep at once finds nothing new due.
    assert milestones_sweep().firings == 0


def test_seed_demo_prints_logins_and_each_token_once():
    first = _seed()
    assert "acme-recruiter" in first and "globex-auditor" in first
    assert first.count("atsk_") == 2
    second = _seed()
    assert "atsk_" not in second


def test_seed_demo_twice_creates_nothing_new():
    _seed()
    counts = _row_counts()
    assert "nothing created" in _seed()
    assert _row_counts() == counts


def test_seed_demo_admins_are_staff_and_one_user_belongs_to_both_tenants():
    _seed()
    User = get_user_model()
    assert User.objects.get(username="acme-admin").is_staff
    assert not User.objects.get(username="acme-recruiter").is_staff
    shared = User.objects.get(username="consultant")
    with all_tenants_context():
        tenants = Membership.objects.filter(user=shared).values_list("tenant__slug", flat=True)
        assert sorted(tenants) == ["acme", "globex"]


def test_seed_demo_gives_every_login_a_name_and_a_reseed_names_old_ones():
    _seed()
    User = get_user_model()
    logins = User.objects.filter(username__in=[*PEOPLE, "acme-recruiter", "globex-auditor"])
    assert logins.count() == len(PEOPLE)
    assert all(user.get_full_name() for user in logins)
    # A demo database seeded before the names: its logins have none, until the next seed.
    User.objects.filter(username="acme-recruiter").update(first_name="", last_name="")
    _seed()
    assert User.objects.get(username="acme-recruiter").get_full_name() == "Rita Moreno"


def _row_counts() -> dict[str, int]:
    models = [
        Department,
        Location,
        RequisitionType,
        Membership,
        Requisition,
        Candidate,
        Application,
        ApiClient,
        FrameworkVersion,
        MilestoneDefinition,
        ApplicationMilestone,
        MilestoneTransition,
        AutomationRule,
        EscalationRule,
        DeadlineRule,
        MilestoneSettings,
        Holiday,
        ApplicationDeadline,
        DeadlineFiring,
        ApplicationEvent,
    ]
    counts = {"users": get_user_model().objects.count(), "tenants": Tenant.objects.count()}
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            counts.update({f"{tenant.slug}.{m.__name__}": m.objects.count() for m in models})
    return counts


def test_seed_demo_fills_the_reports_read_model_with_its_history():
    # The seeded history is written as rows; without a replay the dashboards stayed empty.
    _seed()
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            finished = MilestoneStay.objects.filter(left_at__isnull=False).count()
            open_ = MilestoneStay.objects.filter(left_at__isnull=True).count()
            active = Application.objects.filter(status=ApplicationStatus.ACTIVE).count()
        assert finished > 0
        assert open_ == active


def test_seed_demo_has_finished_candidacies_for_every_dashboard():
    # Before, only active applications had a history: the funnel and time to fill were empty.
    _seed()
    now = timezone.now()
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            finished = Application.objects.exclude(status=ApplicationStatus.ACTIVE)
            for status in ("hired", "rejected", "withdrawn"):
                assert finished.filter(status=status).count() >= 10, status
            assert not finished.filter(current_milestone__isnull=False).exists()
            assert not finished.exclude(status="hired").filter(reject_reason="").exists()
            assert finished.values("reject_reason").distinct().count() >= 6
            assert finished.values("requisition__department").distinct().count() >= 5
            # A filled requisition: exactly its openings hired, by its fill date, nobody left.
            filled = Requisition.objects.filter(status="filled")
            assert filled.count() >= 5
            for requisition in filled:
                hires = requisition.applications.filter(status="hired").count()
                assert hires == requisition.openings
                assert requisition.opened_at < requisition.filled_at < now
                assert not requisition.applications.filter(status="active").exists()
            for requisition in Requisition.objects.exclude(status="filled"):
                assert requisition.applications.filter(status="hired").count() < max(
                    requisition.openings, 2
                )
            assert not Application.objects.filter(
                applied_at__lt=models.F("requisition__opened_at")
            ).exists()
            # Every finished candidacy ended in the read model as it did on the application.
            endings = dict(
                MilestoneStay.objects.filter(
                    ended__in=("hired", "rejected", "withdrawn")
                ).values_list("application_id", "ended")
            )
            assert endings == dict(finished.values_list("pk", "status"))

            half_year = ReportFilters(since=now - timedelta(days=200))
            rows = funnel(filters=half_year, by=None).rows
            assert rows[0]["entered"] == finished.count()
            assert all(row["entered"] and row["passed"] for row in rows)
            assert sum(row["dropped"] for row in rows) == finished.exclude(status="hired").count()
            fills = {
                row["requisition"]["id"]: row["filled_at"]
                for row in time_to_fill(filters=half_year).rows
                if row["filled_at"]
            }
            assert fills == {str(r.pk): r.filled_at for r in filled}
            months = time_to_fill(filters=half_year, by="month").rows
            assert sum(1 for row in months if row["filled"]) >= 4
            recruiters = recruiter_performance(filters=half_year).rows
            assert len({row["recruiter"]["id"] for row in recruiters}) == 2
