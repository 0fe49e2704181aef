"""Demo approvals: department heads, pay bands, the three-step offer policy, and offers in
every state, so the hiring manager and the HRBP find something due on "My approvals"; and
the opening policy with one draft requisition's opening due for the HRBP, so a round that
is not an offer's has its page to walk.

Written through the services a recruiter and the approvers use (audit rows, events and
notifications as in real use); idempotent: nothing is made once the tenant has an offer.
"""

from __future__ import annotations

from decimal import Decimal

from approvals.models import ApprovalPolicy, ApprovalRound, Offer, SubjectKind
from approvals.services import (
    approval_decide,
    approval_policy_create,
    approval_request,
    offer_create,
    subject_of_offer,
    subject_of_requisition,
)
from demo.result import SeedResult
from recruiting.models import (
    Application,
    ApplicationStatus,
    HireType,
    Requisition,
    RequisitionStatus,
)
from tenants.actors import Actor
from tenants.models import Department, Role, Tenant

POLICY_NAME = "Offer approval"
# Requisition type code -> (band min, band max) in USD.
BANDS = {
    "EXEMPT-TECH": (Decimal("110000"), Decimal("160000")),
    "HOURLY": (Decimal("35000"), Decimal("50000")),
    "EXEC": (Decimal("220000"), Decimal("320000")),
    "EXEMPT-BIZ": (Decimal("80000"), Decimal("120000")),
}
POLICY_STEPS = [
    {"name": "Hiring manager", "approvers": [{"role": "hiring_manager"}]},
    {"name": "HRBP", "approvers": [{"role": "hrbp"}]},
    {
        "name": "Department head",
        "approvers": [{"role": "department_head"}],
        "condition": {"fact": "hire.executive", "op": "eq", "value": True},
    },
]

OPENING_POLICY_NAME = "Opening approval"
OPENING_STEPS = [
    {"name": "HRBP", "approvers": [{"role": "hrbp"}]},
    {"name": "Department head", "approvers": [{"role": "department_head"}]},
]


def seed_approvals(tenant: Tenant, users: dict, result: SeedResult) -> None:
    # The admin heads every department (the demo has no separate head login).
    heads = Department.objects.filter(head__isnull=True).update(head=users[Role.ADMIN])
    result.count("department heads", heads)
    for code, (low, high) in BANDS.items():
        banded = Requisition.objects.filter(
            requisition_type__code=code, salary_band_min__isnull=True
        ).update(salary_band_min=low, salary_band_max=high, salary_band_currency="USD")
        result.count("requisition pay bands", banded)
    admin = Actor(user_id=users[Role.ADMIN].pk, role=Role.ADMIN)
    if not ApprovalPolicy.objects.filter(name=POLICY_NAME).exists():
        approval_policy_create(
            actor=admin, name=POLICY_NAME, subject_kind="offer", steps=POLICY_STEPS, position=10
        )
        result.count("approval policies", 1)
    if not ApprovalPolicy.objects.filter(name=OPENING_POLICY_NAME).exists():
        approval_policy_create(
            actor=admin,
            name=OPENING_POLICY_NAME,
            subject_kind=SubjectKind.REQUISITION,
            steps=OPENING_STEPS,
            position=20,
        )
        result.count("approval policies", 1)
    if not ApprovalRound.objects.filter(subject_kind=SubjectKind.REQUISITION).exists():
        _seed_opening(users, result)
    if Offer.objects.exists():
        return
    _seed_offers(users, result)


def _seed_opening(users: dict, result: SeedResult) -> None:
    """The recruiter asks to open the first draft requisition: due for the HRBP."""
    draft = Requisition.objects.filter(status=RequisitionStatus.DRAFT).order_by("title").first()
    if draft is None:
        return
    recruiter = Actor(user_id=users[Role.RECRUITER].pk, role=Role.RECRUITER)
    approval_request(subject=subject_of_requisition(draft), actor=recruiter)
    result.count("approval rounds", 1)


def _offer_candidates() -> list[Application]:
    """Active applications, those standing on the Offer milestone first."""
    active = Application.objects.filter(status=ApplicationStatus.ACTIVE).select_related(
        "requisition__requisition_type", "requisition__department", "current_milestone"
    )
    on_offer = list(active.filter(current_milestone__code="OFFER").order_by("external_id"))
    rest = list(active.exclude(current_milestone__code="OFFER").order_by("external_id"))
    return on_offer + rest


def _is_executive(application: Application) -> bool:
    return (
        application.hire_type == HireType.EXECUTIVE
        or application.requisition.requisition_type.is_executive
    )


def _seed_offers(users: dict, result: SeedResult) -> None:
    recruiter = Actor(user_id=users[Role.RECRUITER].pk, role=Role.RECRUITER)
    hiring_manager = Actor(user_id=users[Role.HIRING_MANAGER].pk, role=Role.HIRING_MANAGER)
    hrbp = Actor(user_id=users[Role.HRBP].pk, role=Role.HRBP)
    candidates = _offer_candidates()
    standard = [a for a in candidates if not _is_executive(a)][:3]
    executive = [a for a in candidates if _is_executive(a)][:1]
    # (application, decisions made so far): due for the hiring manager, due for the HRBP,
    # approved, and an executive offer with the department head's step.
    plan = list(zip(standard, [[], [hiring_manager], [hiring_manager, hrbp]], strict=False))
    plan += [(application, []) for application in executive]
    for application, deciders in plan:
        low, high = BANDS.get(
            application.requisition.requisition_type.code, (Decimal("60000"), Decimal("90000"))
        )
        offer = offer_create(
            application=application,
            actor=recruiter,
            title=application.requisition.title,
            salary_amount=(low + high) / 2,
            salary_currency="USD",
            bonus_amount=Decimal("5000"),
            equity="1,000 RSUs over 4 years",
            custom_fields={"note": "Relocation discussed"},
        )
        round_ = approval_request(subject=subject_of_offer(offer), actor=recruiter)
        for actor in deciders:
            approval_decide(round=round_, actor=actor, decision="approve", comment="Looks right.")
        result.count("offers", 1)
        result.count("approval rounds", 1)
