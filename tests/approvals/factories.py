"""Factories for approvals: offers, policies and a requisition with its approvers, for the
engine's tests and the pages' and API's (reuse them; do not copy)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from approvals.models import ApprovalPolicy, Offer
from approvals.services import (
    approval_policy_create,
    approval_request,
    offer_create,
    subject_of_offer,
)
from tenants.actors import SYSTEM, Actor
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories


def step(name: str, *approvers: dict, **options) -> dict:
    """One policy step: `step("HRBP", role("hrbp"), quorum="any")`."""
    return {"name": name, "approvers": list(approvers), **options}


def role(name: str) -> dict:
    return {"role": name}


def user(user_obj) -> dict:
    return {"user": user_obj.pk}


def slot(label: str) -> dict:
    return {"slot": label}


#: The demo's policy: hiring manager, HRBP, and the department head for executive hires.
THREE_STEPS = [
    step("Hiring manager", role("hiring_manager")),
    step("HRBP", role("hrbp")),
    step(
        "Department head",
        role("department_head"),
        condition={"fact": "hire.executive", "op": "eq", "value": True},
    ),
]


def make_policy(
    *,
    tenant,
    steps: list | None = None,
    conditions: dict | None = None,
    name: str | None = None,
    subject_kind: str = "offer",
    position: int = 100,
    department=None,
    extends: ApprovalPolicy | None = None,
) -> ApprovalPolicy:
    with tenant_context(tenant):
        return approval_policy_create(
            actor=SYSTEM,
            name=name or f"Policy {factories._n()}",
            subject_kind=subject_kind,
            steps=steps if steps is not None else THREE_STEPS,
            conditions=conditions or {},
            position=position,
            department=department,
            extends=extends,
        )


def make_offer(*, tenant, application=None, **terms) -> Offer:
    application = application or factories.make_application(tenant=tenant)
    terms.setdefault("title", "Senior engineer")
    terms.setdefault("salary_amount", Decimal("120000"))
    terms.setdefault("salary_currency", "USD")
    with tenant_context(tenant):
        return offer_create(application=application, actor=SYSTEM, **terms)


def make_person(*, tenant, role_name: str, username: str | None = None):
    person = factories.make_user(username=username)
    factories.make_membership(tenant=tenant, user=person, role=role_name)
    return person


def actor_of(person, role_name: str) -> Actor:
    return Actor(user_id=person.pk, role=role_name)


@dataclass
class ApprovalWorld:
    """A requisition (band 100,000-150,000 USD) with a recruiter, a hiring manager, an HRBP
    and a department head; an application with an offer; the three-step policy."""

    tenant: object
    recruiter: object
    hiring_manager: object
    hrbp: object
    head: object
    requisition: object
    application: object
    offer: Offer
    policy: ApprovalPolicy

    @property
    def recruiter_actor(self) -> Actor:
        return actor_of(self.recruiter, Role.RECRUITER)

    @property
    def hiring_manager_actor(self) -> Actor:
        return actor_of(self.hiring_manager, Role.HIRING_MANAGER)

    @property
    def hrbp_actor(self) -> Actor:
        return actor_of(self.hrbp, Role.HRBP)

    @property
    def head_actor(self) -> Actor:
        return actor_of(self.head, Role.HIRING_MANAGER)

    def request(self, offer: Offer | None = None, **kw):
        with tenant_context(self.tenant):
            return approval_request(
                subject=subject_of_offer(offer or self.offer), actor=self.recruiter_actor, **kw
            )


def make_approval_world(
    *, tenant, steps: list | None = None, hire_type: str = "standard", **offer_terms
) -> ApprovalWorld:
    recruiter = make_person(tenant=tenant, role_name=Role.RECRUITER)
    hiring_manager = make_person(tenant=tenant, role_name=Role.HIRING_MANAGER)
    hrbp = make_person(tenant=tenant, role_name=Role.HRBP)
    head = make_person(tenant=tenant, role_name=Role.HIRING_MANAGER)
    department = factories.make_department(tenant=tenant, head=head)
    requisition = factories.make_requisition(
        tenant=tenant,
        department=department,
        recruiter=recruiter,
        hiring_manager=hiring_manager,
        salary_band_min=Decimal("100000"),
        salary_band_max=Decimal("150000"),
        salary_band_currency="USD",
    )
    application = factories.make_application(
        tenant=tenant, requisition=requisition, hire_type=hire_type
    )
    offer = make_offer(tenant=tenant, application=application, **offer_terms)
    policy = make_policy(tenant=tenant, steps=steps)
    return ApprovalWorld(
        tenant, recruiter, hiring_manager, hrbp, head, requisition, application, offer, policy
    )


def make_pending_offer_rounds(*, world: ApprovalWorld, count: int) -> list:
    """`count` more offers on the world's requisition, each in a requested round of the
    world's policy with the hiring manager's step due and the HRBP's waiting: rows written
    in bulk (a size test needs a thousand; the services would take minutes)."""
    from django.utils import timezone

    from approvals.models import (
        ApprovalAssignment,
        ApprovalRound,
        ApprovalStep,
        OfferVersion,
        StepStatus,
    )
    from recruiting.models import Application, Candidate

    tenant, now = world.tenant, timezone.now()
    version = world.policy.current_version
    with all_tenants_context():
        candidates = Candidate.all_tenants.bulk_create(
            [Candidate(tenant=tenant, first_name="Bulk", last_name=f"C{i}") for i in range(count)]
        )
        applications = Application.all_tenants.bulk_create(
            [
                Application(tenant=tenant, candidate=c, requisition=world.requisition)
                for c in candidates
            ]
        )
        terms = {"title": "Engineer", "salary_amount": Decimal("120000"), "salary_currency": "USD"}
        offers = Offer.all_tenants.bulk_create(
            [Offer(tenant=tenant, application=a, **terms) for a in applications]
        )
        versions = OfferVersion.all_tenants.bulk_create(
            [OfferVersion(tenant=tenant, offer=o, number=1, **terms) for o in offers]
        )
        rounds = ApprovalRound.all_tenants.bulk_create(
            [
                ApprovalRound(
                    tenant=tenant,
                    subject_kind="offer",
                    subject_key=f"offer:{o.pk}",
                    requisition=world.requisition,
                    application_id=o.application_id,
                    offer=o,
                    offer_version=v,
                    number=1,
                    policy_version=version,
                    step_count=2,
                    requested_by=world.recruiter,
                    requested_at=now,
                )
                for o, v in zip(offers, versions, strict=True)
            ]
        )
        steps = ApprovalStep.all_tenants.bulk_create(
            [
                ApprovalStep(
                    tenant=tenant,
                    round=r,
                    index=index,
                    position=index + 1,
                    group=index + 1,
                    name=name,
                    status=status,
                    due_at=now if status == StepStatus.DUE else None,
                )
                for r in rounds
                for index, (name, status) in enumerate(
                    [("Hiring manager", StepStatus.DUE), ("HRBP", StepStatus.WAITING)]
                )
            ]
        )
        ApprovalAssignment.all_tenants.bulk_create(
            [
                ApprovalAssignment(
                    tenant=tenant,
                    step=s,
                    round=s.round,
                    approver=world.hiring_manager if s.index == 0 else world.hrbp,
                    source="role:hiring_manager" if s.index == 0 else "role:hrbp",
                )
                for s in steps
            ]
        )
    return rounds


def make_round(*, tenant, **world_options):
    """An open round of an offer (a world of its own): the API's boundary tests' subject."""
    return make_approval_world(tenant=tenant, **world_options).request()


def make_delegation(*, tenant, delegator=None, delegate=None, days: int = 7):
    from datetime import timedelta

    from django.utils import timezone

    from approvals.services import approval_delegation_create

    delegator = delegator or make_person(tenant=tenant, role_name=Role.HIRING_MANAGER)
    delegate = delegate or make_person(tenant=tenant, role_name=Role.HIRING_MANAGER)
    today = timezone.localdate()
    with tenant_context(tenant):
        return approval_delegation_create(
            actor=actor_of(delegator, Role.HIRING_MANAGER),
            delegator_id=delegator.pk,
            delegate_id=delegate.pk,
            starts_on=today,
            ends_on=today + timedelta(days=days),
        )


def make_override(*, tenant, hire_type: str = "executive"):
    """An admin's override awaiting a second admin (an executive hire's decision)."""
    from approvals.models import ApprovalStep, StepStatus
    from approvals.services import approval_override_decide

    world = make_approval_world(tenant=tenant, hire_type=hire_type)
    round_ = world.request()
    admin = make_person(tenant=tenant, role_name=Role.ADMIN)
    with tenant_context(tenant):
        step_ = ApprovalStep.objects.get(round=round_, status=StepStatus.DUE)
        return approval_override_decide(
            round=round_,
            actor=actor_of(admin, Role.ADMIN),
            step=step_,
            approver_id=world.hiring_manager.pk,
            decision="approve",
            reason="On leave",
        )
