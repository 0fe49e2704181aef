"""Offers: created once per application, versioned on material changes."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction

from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import (
    MATERIAL_FIELDS,
    OFFER_TERMS,
    ApprovalRound,
    EmploymentType,
    Offer,
    OfferVersion,
    RoundStatus,
)
from approvals.services.rounds import round_restart, round_void
from approvals.services.subjects import subject_of_offer
from audit.services import audit_record
from tenants.actors import Actor
from tenants.permissions import Capability, actor_require

E = ApprovalErrorCode
AUDIT_OBJECT_OFFER = "approvals.Offer"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MAX_MONEY = Decimal("999999999999.99")


def _money(value: Any, name: str, problems: dict, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            problems[name] = ["required"]
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems[name] = ["a number"]
        return None
    if not amount.is_finite() or amount < 0 or amount > _MAX_MONEY:
        problems[name] = ["a number from 0 up to 999,999,999,999.99"]
        return None
    return amount.quantize(Decimal("0.01"))


def _clean(terms: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Offer terms checked and normalised; 400 naming each bad field."""
    unknown = set(terms) - set(OFFER_TERMS)
    problems: dict[str, list[str]] = {name: ["not an offer field"] for name in unknown}
    clean: dict[str, Any] = {}
    for name, value in terms.items():
        if name == "title":
            if not isinstance(value, str) or not value.strip() or len(value) > 200:
                problems[name] = ["a title of 1 to 200 characters"]
            else:
                clean[name] = value.strip()
        elif name in ("salary_amount", "bonus_amount"):
            amount = _money(value, name, problems, required=name == "salary_amount")
            if name not in problems:
                clean[name] = amount
        elif name == "salary_currency":
            if not isinstance(value, str) or not _CURRENCY.match(value):
                problems[name] = ["an ISO 4217 code such as USD"]
            else:
                clean[name] = value
        elif name == "equity":
            if not isinstance(value, str) or len(value) > 200:
                problems[name] = ["text of at most 200 characters"]
            else:
                clean[name] = value.strip()
        elif name == "start_date":
            if value not in (None, "") and not isinstance(value, date):
                try:
                    value = date.fromisoformat(str(value))
                except ValueError:
                    problems[name] = ["a date such as 2026-03-01"]
            clean[name] = value or None
        elif name == "employment_type":
            if value not in EmploymentType.values:
                problems[name] = [f"one of {', '.join(EmploymentType.values)}"]
            else:
                clean[name] = value
        elif name == "custom_fields":
            if not isinstance(value, dict):
                problems[name] = ["an object of named values"]
            else:
                clean[name] = value
    if not partial:
        for name in ("title", "salary_amount", "salary_currency"):
            if name not in terms:
                problems.setdefault(name, ["required"])
    if problems:
        raise ApprovalError(E.INVALID_OFFER, "Some offer terms are not valid.", fields=problems)
    return clean


def _version_of(offer: Offer, actor: Actor) -> OfferVersion:
    return OfferVersion(
        tenant_id=offer.tenant_id,
        offer=offer,
        number=offer.version_number,
        created_by_id=actor.user_id,
        **{name: getattr(offer, name) for name in OFFER_TERMS},
    )


@transaction.atomic
def offer_create(*, application, actor: Actor, **terms: Any) -> Offer:
    """The offer of an application (one each; 409 for a second), as its version 1."""
    actor_require(actor, Capability.REQUEST_APPROVAL)
    clean = _clean(terms, partial=False)
    offer = Offer(tenant_id=application.tenant_id, application=application, **clean)
    try:
        with transaction.atomic():
            offer.save(force_insert=True)
    except IntegrityError as exc:
        raise ApprovalError(
            E.OFFER_EXISTS,
            "This application already has an offer; change it instead.",
            fields={"application": ["already has an offer"]},
        ) from exc
    _version_of(offer, actor).save(force_insert=True)
    audit_record(
        action="offer.created",
        tenant_id=offer.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_OFFER,
        object_id=offer.pk,
        data={"application_id": str(application.pk), "version": 1},
    )
    return offer


class OfferUpdated(NamedTuple):
    offer: Offer
    material: bool  # a material field changed: a new version
    voided: ApprovalRound | None = None  # the round the change voided
    restarted: ApprovalRound | None = None  # the round started in its place


@transaction.atomic
def offer_update(
    *, offer: Offer, actor: Actor, changes: dict[str, Any], expected_version: int | None = None
) -> OfferUpdated:
    """Change an offer's terms. A change to a material field (`MATERIAL_FIELDS`: title,
    salary, currency, bonus, equity, start date, employment type) writes a new version,
    voids the offer's open or approved round and starts a new round with the same slot
    fills; a change to `custom_fields` alone edits the current version in place."""
    actor_require(actor, Capability.REQUEST_APPROVAL)
    clean = _clean(changes, partial=True)
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application__requisition")
        .get(pk=offer.pk)
    )
    if expected_version is not None and expected_version != locked.version:
        raise ApprovalError(
            E.STALE_VERSION,
            "This offer changed since you loaded it; reload and try again.",
            fields={"version": [f"the current version is {locked.version}"]},
        )
    changed = [name for name, value in clean.items() if getattr(locked, name) != value]
    if not changed:
        return OfferUpdated(locked, False)
    material = any(name in MATERIAL_FIELDS for name in changed)
    for name in changed:
        setattr(locked, name, clean[name])
    locked.version += 1
    if material:
        locked.version_number += 1
    locked.save()
    if material:
        _version_of(locked, actor).save(force_insert=True)
    else:
        OfferVersion.objects.filter(offer=locked, number=locked.version_number).update(
            custom_fields=locked.custom_fields
        )
    audit_record(
        action="offer.updated",
        tenant_id=locked.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_OFFER,
        object_id=locked.pk,
        data={"changed": sorted(changed), "material": material, "version": locked.version_number},
    )
    offer.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    if not material:
        return OfferUpdated(locked, False)
    latest = (
        ApprovalRound.objects.filter(offer=locked).order_by("-number").only("pk", "status").first()
    )
    if latest is None or latest.status not in (RoundStatus.REQUESTED, RoundStatus.APPROVED):
        return OfferUpdated(locked, True)
    reason = f"The offer changed ({', '.join(sorted(changed))}): version {locked.version_number}."
    voided = round_void(round=latest, actor=actor, reason=reason)
    try:
        with transaction.atomic():
            restarted = round_restart(voided=voided, subject=subject_of_offer(locked), actor=actor)
    except ApprovalError:  # no policy applies to the new terms: the recruiter requests anew
        restarted = None
    return OfferUpdated(locked, True, voided, restarted)
