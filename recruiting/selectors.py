"""Reads of requisitions, candidates and applications, scoped to one tenant.

`visible_to` is the one place that says which requisitions (and so which applications,
boards, timelines, candidates) a person may see: the departments of their membership, and
the confidential requisitions of their team. Every list, detail page, board and API view
filters through it, in the same query as the rows it limits.

An app above may widen it for one named purpose only (`register_application_grant`): the
approvals app opens the offer page of an application to the approvers of its rounds, and
nothing else of the requisition (its board, its other candidates) to them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from recruiting.models import Application, Candidate, Requisition
from tenants.permissions import Capability, capabilities_of
from tenants.selectors import department_scope_ids

#: The guardian permission that opens one confidential requisition to a person.
VIEW_REQUISITION = "view_requisition"


def requisition_list(*, tenant_id: uuid.UUID) -> QuerySet[Requisition]:
    return Requisition.objects.for_tenant(tenant_id)


def candidate_list(*, tenant_id: uuid.UUID) -> QuerySet[Candidate]:
    return Candidate.objects.for_tenant(tenant_id)


def application_list(*, tenant_id: uuid.UUID) -> QuerySet[Application]:
    # The API renders related objects by id only (no extra query per row); the joins
    # are for callers that show names, e.g. boards and exports.
    return Application.objects.for_tenant(tenant_id).select_related("candidate", "requisition")


def access_grants(**lookups) -> QuerySet[UserObjectPermission]:
    """The guardian rows granting `view_requisition` on a requisition (to whom, on which:
    `lookups`)."""
    return UserObjectPermission.objects.filter(
        **lookups,
        permission__codename=VIEW_REQUISITION,
        content_type__app_label=Requisition._meta.app_label,
        content_type__model=Requisition._meta.model_name,
    )


def requisition_visibility(membership, *, via: str = "") -> Q | None:
    """The condition on a requisition (reached through `via`, e.g. "requisition__") that
    `membership` may see it; None when it sees every requisition of the tenant (an API
    client or the system, which pass None, and a tenant-wide role with view_confidential).

    Outside their departments: nothing. A confidential requisition: only its recruiter,
    its hiring manager, people granted `view_requisition` on it (django-guardian), and
    roles with `view_confidential` (admins; HRBPs in the departments they cover)."""
    if membership is None:
        return None
    condition = Q()
    scope = department_scope_ids(membership)
    if scope is not None:
        condition &= Q(**{f"{via}department_id__in": scope})
    if Capability.VIEW_CONFIDENTIAL not in capabilities_of(membership):
        user_id = membership.user_id
        requisition_id = f"{via[:-2]}_id" if via else "pk"
        granted = access_grants(user_id=user_id).filter(
            object_pk=Cast(OuterRef(requisition_id), output_field=CharField())
        )
        condition &= (
            Q(**{f"{via}is_confidential": False})
            | Q(**{f"{via}recruiter_id": user_id})
            | Q(**{f"{via}hiring_manager_id": user_id})
            | Exists(granted)
        )
    return condition if condition else None


#: purpose -> condition(membership, via) on an application (reached through `via`, e.g.
#: "application__") that opens it for that purpose to someone the requisition hides it from.
ApplicationGrant = Callable[[object, str], Q]
_APPLICATION_GRANTS: dict[str, ApplicationGrant] = {}


def register_application_grant(purpose: str, condition: ApplicationGrant) -> None:
    """Open applications for one `purpose` (a page) beyond `requisition_visibility`, by a
    condition the registering app computes in SQL (it is ORed into the same query). Called
    from an app's `ready()`; recruiting never imports the app that grants."""
    _APPLICATION_GRANTS[purpose] = condition


def visible_to(
    rows: QuerySet,
    *,
    membership,
    via: str = "",
    grant: str | None = None,
    application_via: str = "",
) -> QuerySet:
    """`rows` (requisitions, or rows reaching one through `via`) limited to what
    `membership` may see (see `requisition_visibility`). With `grant`, the rows whose
    application (reached through `application_via`; "" for applications themselves) the
    grant registered for that purpose opens to the person are seen too."""
    condition = requisition_visibility(membership, via=via)
    if condition is None:
        return rows
    granted = _APPLICATION_GRANTS.get(grant) if grant else None
    if granted is not None:
        condition |= granted(membership, application_via)
    return rows.filter(condition)


def requisitions_visible(rows: QuerySet[Requisition], *, membership) -> QuerySet[Requisition]:
    return visible_to(rows, membership=membership)


def applications_visible(
    rows: QuerySet[Application], *, membership, grant: str | None = None
) -> QuerySet[Application]:
    """Applications `membership` may see; with `grant`, also those opened to them for that
    purpose (`register_application_grant`)."""
    return visible_to(rows, membership=membership, via="requisition__", grant=grant)


def candidates_visible(rows: QuerySet[Candidate], *, membership) -> QuerySet[Candidate]:
    """Candidates with an application `membership` may see. A person working tenant-wide
    also sees candidates who have not applied anywhere yet; one limited to departments
    sees only those applying in them."""
    condition = requisition_visibility(membership, via="requisition__")
    if condition is None:
        return rows
    applied = Application.objects.filter(candidate_id=OuterRef("pk"))
    seen = Exists(applied.filter(condition))
    if department_scope_ids(membership) is None:
        seen |= ~Exists(applied)
    return rows.filter(seen)


def requisition_access_list(*, requisition: Requisition):
    """The people granted access to one requisition, by username: one query."""
    granted = access_grants(object_pk=str(requisition.pk))
    return get_user_model().objects.filter(pk__in=granted.values("user_id")).order_by("username")
