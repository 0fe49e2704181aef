"""What is approved (a subject), the facts policies decide on, and who its approvers are."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from approvals.models import Offer, SubjectKind
from notifications.services import (
    RECIPIENT_HIRING_MANAGER,
    RECIPIENT_RECRUITER,
    hrbp_user_ids_by_department,
    requisition_recipient_user_ids,
)
from recruiting.models import HireType


@dataclass(frozen=True)
class ApprovalSubject:
    """An offer, the opening of a requisition, or one stage-gated milestone of an
    application. Unsaved instances are fine for a preview (the policy editor's sample)."""

    kind: str
    requisition: Any
    application: Any = None
    offer: Offer | None = None
    milestone_code: str = ""

    @property
    def key(self) -> str:
        if self.kind == SubjectKind.OFFER:
            return f"offer:{self.offer.pk}"
        if self.kind == SubjectKind.REQUISITION:
            return f"requisition:{self.requisition.pk}"
        return f"milestone:{self.application.pk}:{self.milestone_code}"


def subject_of_offer(offer: Offer) -> ApprovalSubject:
    application = offer.application
    return ApprovalSubject(
        SubjectKind.OFFER, requisition=application.requisition, application=application, offer=offer
    )


def subject_of_requisition(requisition) -> ApprovalSubject:
    return ApprovalSubject(SubjectKind.REQUISITION, requisition=requisition)


def subject_of_milestone(application, milestone_code: str) -> ApprovalSubject:
    return ApprovalSubject(
        SubjectKind.MILESTONE,
        requisition=application.requisition,
        application=application,
        milestone_code=milestone_code,
    )


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def salary_vs_band(offer, requisition) -> str | None:
    """ "below", "within" or "above" the requisition's band; None without a band or when the
    band is in another currency (no conversion is guessed)."""
    if offer is None or (
        requisition.salary_band_min is None and requisition.salary_band_max is None
    ):
        return None
    currency = requisition.salary_band_currency
    if currency and currency != offer.salary_currency:
        return None
    amount = offer.salary_amount
    if requisition.salary_band_min is not None and amount < requisition.salary_band_min:
        return "below"
    if requisition.salary_band_max is not None and amount > requisition.salary_band_max:
        return "above"
    return "within"


def approval_facts(subject: ApprovalSubject) -> dict[str, Any]:
    """The named facts policies and steps decide on (approvals.core.APPROVAL_FACTS and the
    condition language's requisition/application facts)."""
    requisition = subject.requisition
    rtype = requisition.requisition_type
    hire_type = subject.application.hire_type if subject.application is not None else None
    offer = subject.offer
    facts: dict[str, Any] = {
        "subject.kind": subject.kind,
        "requisition.type": rtype.code,
        "requisition.department": requisition.department.code,
        "requisition.job_family": requisition.job_family.code if requisition.job_family else None,
        "requisition.location": requisition.location.code if requisition.location else None,
        "requisition.executive": bool(rtype.is_executive),
        "application.hire_type": hire_type,
        "application.source": subject.application.source if subject.application else None,
        "hire.executive": bool(rtype.is_executive) or hire_type == HireType.EXECUTIVE,
        "milestone.code": subject.milestone_code or None,
    }
    if offer is not None:
        facts.update(
            {
                "offer.salary": _number(offer.salary_amount),
                "offer.currency": offer.salary_currency,
                "offer.employment_type": offer.employment_type,
                "offer.salary_vs_band": salary_vs_band(offer, requisition),
            }
        )
    return facts


class ApproverResolver:
    """Who stands behind a step's approvers on one requisition. The HRBPs of its department
    are read once (the `hrbp` recipient of notifications: tenant-wide HRBPs and those of
    the department or one above it)."""

    def __init__(self, requisition):
        self.requisition = requisition
        self._hrbps: dict | None = None

    def hrbps(self) -> list[int]:
        if self._hrbps is None:
            self._hrbps = hrbp_user_ids_by_department(
                department_ids=[self.requisition.department_id]
            )
        return self._hrbps.get(self.requisition.department_id, [])

    def role(self, role: str) -> list[int]:
        if role == "hrbp":
            return self.hrbps()
        if role == "department_head":
            head = self.requisition.department.head_id
            return [head] if head else []
        recipient = {"hiring_manager": RECIPIENT_HIRING_MANAGER, "recruiter": RECIPIENT_RECRUITER}
        return requisition_recipient_user_ids(
            requisition=self.requisition, recipients=[recipient[role]], hrbps_by_department={}
        )

    def resolve(self, approver: dict, slots: dict[str, int] | None) -> tuple[list[int], str]:
        """(user ids, source) of one approver entry; a slot not filled yet gives []."""
        ((kind, value),) = approver.items()
        if kind == "role":
            return self.role(value), f"role:{value}"
        if kind == "user":
            return [value], "user"
        filled = (slots or {}).get(value)
        return ([filled] if filled else []), f"slot:{value}"
