"""The transition service: one locked, versioned, audited write per move."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import signals

from audit.models import AuditEvent
from milestones.errors import MilestoneErrorCode as Code
from milestones.errors import StaleVersion, TransitionRefused
from milestones.models import (
    ApplicationMilestone,
    MilestoneDefinition,
    MilestoneKind,
    MilestoneTransition,
    VersionStatus,
)
from milestones.services.transitions.initialize import application_milestones_initialize
from milestones.services.transitions.moves import application_transition
from recruiting.models import Application
from tenants.actors import Actor
from tenants.context import tenant_context
from tests import factories

from .factories import make_framework, make_tracked_application, make_version

# A move is one locking read and one write (plus the savepoint pair inside the test's
# transaction), and the milestone-stays read model's one statement (its MilestoneMoved
# subscriber), however many milestones the version has.
MOVE_QUERIES = 5

pytestmark = pytest.mark.django_db


def _states(application) -> dict[str, str]:
    return dict(
        ApplicationMilestone.objects.filter(application=application)
        .order_by("milestone__order")
        .values_list("milestone__code", "state")
    )


def test_initialize_creates_one_row_per_milestone_with_the_first_active(tenant_a):
    version = make_version(
        tenant=tenant_a,
        milestones={"APPLIED": {"kind": MilestoneKind.TIME_BASED, "sla": timedelta(days=3)}},
    )
    application = make_tracked_application(tenant=tenant_a, version=version)
    with tenant_context(tenant_a):
        assert _states(application) == {
            "APPLIED": "active",
            "SCREEN": "pending",
            "INTERVIEW": "pending",
            "OFFER": "pending",
            "HIRED": "pending",
        }
        first = ApplicationMilestone.objects.get(application=application, state="active")
        assert first.due_at - first.entered_at == timedelta(days=3)
        assert application.current_milestone.code == "APPLIED"
        assert application.version == 2
        assert MilestoneTransition.objects.get(application=application).kind == "initialize"


def test_initialize_twice_keeps_the_rows_it_made(tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    with tenant_context(tenant_a):
        application_milestones_initialize(application_id=application.pk)
        assert ApplicationMilestone.objects.filter(application=application).count() == 5
        assert Application.objects.get(pk=application.pk).version == application.version


def test_initialize_pins_an_unpinned_requisition_to_the_active_version(tenant_a):
    requisition_type = factories.make_requisition_type(tenant=tenant_a)
    framework = make_framework(tenant=tenant_a, requisition_types=[requisition_type])
    make_version(tenant=tenant_a, framework=framework, status=VersionStatus.RETIRED)
    active = make_version(tenant=tenant_a, framework=framework, codes=("ONLY_ONE",))
    requisition = factories.make_requisition(tenant=tenant_a, requisition_type=requisition_type)
    application = factories.make_application(tenant=tenant_a, requisition=requisition)
    with tenant_context(tenant_a):
        application_milestones_initialize(application_id=application.pk)
        requisition.refresh_from_db()
        assert requisition.framework_version == active
        assert _states(application) == {"ONLY_ONE": "active"}


def test_initialize_without_any_applicable_version_is_refused(tenant_a):
    application = factories.make_application(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(TransitionRefused) as refused:
        application_milestones_initialize(application_id=application.pk)
    assert refused.value.code == Code.NO_FRAMEWORK_VERSION


def test_advance_writes_state_transition_audit_and_bumps_the_version(tenant_a, recruiter_a):
    application = make_tracked_application(tenant=tenant_a)
    with tenant_context(tenant_a):
        transition = application_transition(
            application_id=application.pk,
            action="advance",
            actor=Actor(user_id=recruiter_a.pk, role="recruiter"),
            expected_version=application.version,
        )
        application.refresh_from_db()
        assert _states(application)["APPLIED"] == "completed"
        assert _states(application)["SCREEN"] == "active"
        assert application.current_milestone.code == "SCREEN"
        assert application.version == transition.application_version == 3
        assert (transition.from_milestone.code, transition.to_milestone.code) == (
            "APPLIED",
            "SCREEN",
        )
        assert (transition.kind, transition.cause, transition.actor_user_id) == (
            "advance",
            "manual",
            recruiter_a.pk,
        )
        event = AuditEvent.objects.get(action="milestone.transitioned")
        assert event.data["transition_id"] == str(transition.pk)
        assert event.actor_user_id == recruiter_a.pk


def test_a_stale_expected_version_is_refused_and_nothing_changes(tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    with tenant_context(tenant_a):
        with pytest.raises(StaleVersion):
            application_transition(
                application_id=application.pk,
                action="advance",
                expected_version=application.version - 1,
            )
        assert _states(application)["APPLIED"] == "active"
        assert MilestoneTransition.objects.filter(kind="advance").count() == 0


def test_a_refused_move_writes_nothing(tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    with tenant_context(tenant_a):
        with pytest.raises(TransitionRefused) as refused:
            application_transition(
                application_id=application.pk,
                action="skip",
                expected_version=application.version,
            )
        assert refused.value.code == Code.SKIP_NOT_ALLOWED
        assert refused.value.status == 422
        assert Application.objects.get(pk=application.pk).version == application.version
        assert MilestoneTransition.objects.count() == 1  # the initialisation only


def test_gate_on_candidate_fields_reads_the_candidate(tenant_a):
    version = make_version(
        tenant=tenant_a,
        codes=("APPLIED", "SCREEN"),
        milestones={
            "APPLIED": {
                "kind": MilestoneKind.STAGE_GATED,
                "gate_conditions": [{"type": "required_fields", "fields": ["candidate.phone"]}],
            }
        },
    )
    application = make_tracked_application(tenant=tenant_a, version=version)
    with tenant_context(tenant_a):
        with pytest.raises(TransitionRefused) as refused:
            application_transition(
                application_id=application.pk, action="advance", expected_version=None
            )
        assert refused.value.code == Code.GATE_NOT_SATISFIED
        application.candidate.phone = "+1 555 0100"
        application.candidate.save()
        application_transition(
            application_id=application.pk, action="advance", expected_version=None
        )
        assert _states(application)["SCREEN"] == "active"


def test_completing_the_terminal_milestone_hires_the_candidate(tenant_a):
    version = make_version(
        tenant=tenant_a, codes=("OFFER", "HIRED"), milestones={"HIRED": {"terminal_kind": "hired"}}
    )
    application = make_tracked_application(tenant=tenant_a, version=version)
    with tenant_context(tenant_a):
        application_transition(
            application_id=application.pk, action="advance", expected_version=None
        )
        application_transition(
            application_id=application.pk, action="complete", expected_version=None
        )
        application.refresh_from_db()
        assert application.status == "hired"
        assert application.current_milestone is None
        with pytest.raises(TransitionRefused) as refused:
            application_transition(
                application_id=application.pk, action="advance", expected_version=None
            )
        assert refused.value.code == Code.APPLICATION_NOT_ACTIVE


def test_regress_is_recorded_as_a_regression_with_its_reason(tenant_a):
    application = make_tracked_application(tenant=tenant_a)
    with tenant_context(tenant_a):
        for _ in range(2):
            application_transition(
                application_id=application.pk, action="advance", expected_version=None
            )
        transition = application_transition(
            application_id=application.pk,
            action="regress",
            to_code="APPLIED",
            reason="wrong candidate record",
            expected_version=None,
        )
        assert transition.kind == "regression"
        assert transition.reason == "wrong candidate record"
        assert _states(application) == {
            "APPLIED": "active",
            "SCREEN": "pending",
            "INTERVIEW": "pending",
            "OFFER": "pending",
            "HIRED": "pending",
        }


def test_changing_the_active_version_does_not_move_in_flight_applications(tenant_a):
    from milestones.services.versions.lifecycle import (
        framework_version_copy_to_draft,
        framework_version_publish,
    )

    requisition_type = factories.make_requisition_type(tenant=tenant_a)
    framework = make_framework(tenant=tenant_a, requisition_types=[requisition_type])
    v1 = make_version(tenant=tenant_a, framework=framework)
    requisition = factories.make_requisition(tenant=tenant_a, requisition_type=requisition_type)
    application = factories.make_application(tenant=tenant_a, requisition=requisition)
    with tenant_context(tenant_a):
        application_milestones_initialize(application_id=application.pk)
        v2 = framework_version_copy_to_draft(version=v1)
        framework_version_publish(version=v2)
        application_transition(
            application_id=application.pk, action="advance", expected_version=None
        )
        requisition.refresh_from_db()
        assert requisition.framework_version == v1
        assert set(
            ApplicationMilestone.objects.filter(application=application).values_list(
                "milestone__version", flat=True
            )
        ) == {v1.pk}


@pytest.mark.parametrize("size", [5, 30])
def test_a_move_runs_a_constant_number_of_queries(tenant_a, size, django_assert_max_num_queries):
    codes = [f"STEP_{i:02d}" for i in range(size)]
    version = make_version(tenant=tenant_a, codes=codes)
    application = make_tracked_application(tenant=tenant_a, version=version)
    with tenant_context(tenant_a):
        with django_assert_max_num_queries(MOVE_QUERIES):
            application_transition(
                application_id=application.pk,
                action="advance",
                to_code="STEP_01",
                expected_version=application.version,
            )


@pytest.mark.parametrize("size", [5, 30])
def test_a_regression_over_every_milestone_stays_constant(
    tenant_a, size, django_assert_max_num_queries
):
    codes = [f"STEP_{i:02d}" for i in range(size)]
    version = make_version(tenant=tenant_a, codes=codes)
    application = make_tracked_application(tenant=tenant_a, version=version)
    with tenant_context(tenant_a):
        for _ in range(size - 1):
            application_transition(
                application_id=application.pk, action="advance", expected_version=None
            )
        with django_assert_max_num_queries(MOVE_QUERIES):
            application_transition(
                application_id=application.pk,
                action="regress",
                to_code="STEP_00",
                reason="restart the process",
                expected_version=None,
            )
        assert _states(application)[codes[-1]] == "pending"


def test_a_changed_definition_is_read_afresh_by_the_next_move(tenant_a):
    version = make_version(tenant=tenant_a, codes=("APPLIED", "SCREEN", "INTERVIEW"))
    first = make_tracked_application(tenant=tenant_a, version=version)
    second = make_tracked_application(tenant=tenant_a, version=version)
    with tenant_context(tenant_a):
        application_transition(application_id=first.pk, action="advance", expected_version=None)
        applied = version.milestones.get(code="APPLIED")  # the move above kept its definition
        applied.gate_conditions = [{"type": "required_fields", "fields": ["candidate.phone"]}]
        applied.save()

        with pytest.raises(TransitionRefused) as refused:
            application_transition(
                application_id=second.pk, action="advance", expected_version=None
            )
    assert refused.value.code == Code.GATE_NOT_SATISFIED


@pytest.mark.parametrize("model", [Application, ApplicationMilestone, MilestoneDefinition])
def test_nothing_listens_to_the_init_of_what_a_move_builds_without_init(model):
    # move_sql makes these instances without __init__, so no init signal would be sent.
    assert not signals.pre_init.has_listeners(model)
    assert not signals.post_init.has_listeners(model)
