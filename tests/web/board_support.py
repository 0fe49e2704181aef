"""Setup shared by the board and application page tests: a requisition's pipeline of
tracked applications, and the posts the board's and the page's forms send."""

from __future__ import annotations

from datetime import timedelta

from milestones.models import (
    MilestoneKind,
    MilestoneTransition,
)
from milestones.services.transitions.initialize import application_milestones_initialize
from recruiting.models import Application
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.milestones.factories import make_version

CODES = ("APPLIED", "SCREEN", "ASSESSMENT", "OFFER", "HIRED")


RULES = {
    "SCREEN": {"mandatory": False},
    "ASSESSMENT": {"kind": MilestoneKind.TIME_BASED, "sla": timedelta(hours=72)},
    "HIRED": {"terminal_kind": "hired"},
}


def pipeline(tenant, *, applications: int = 1, **application_kw):
    version = make_version(tenant=tenant, codes=CODES, milestones=RULES)
    requisition = factories.make_requisition(tenant=tenant, framework_version=version)
    tracked = []
    for _ in range(applications):
        application = factories.make_application(
            tenant=tenant, requisition=requisition, **application_kw
        )
        with tenant_context(tenant):
            application_milestones_initialize(application_id=application.pk)
        tracked.append(application)
    return requisition, tracked


def fresh(application) -> Application:
    with all_tenants_context():
        return Application.all_tenants.select_related("current_milestone").get(pk=application.pk)


def transitions_of(application) -> list[MilestoneTransition]:
    with all_tenants_context():
        return list(
            MilestoneTransition.all_tenants.filter(application_id=application.pk).order_by("at")
        )


def post_move(client, requisition, application, **data):
    """A card's button of the board's one form: `move=<action>:<application>:<version>`."""
    version = data.pop("expected_version", None) or fresh(application).version
    action = data.pop("action")
    return client.post(
        f"/requisitions/{requisition.pk}/board/",
        {"move": f"{action}:{application.pk}:{version}", **data},
    )


def post_on_page(client, application, **data):
    """One of the application page's forms (they name their application and version)."""
    data.setdefault("expected_version", fresh(application).version)
    return client.post(
        f"/applications/{application.pk}/", {"application_id": str(application.pk), **data}
    )


def column_of(response, application) -> str:
    for column in response.context["columns"]:
        if any(card.pk == application.pk for card in column.cards):
            return column.milestone.code
    raise AssertionError("card not on the board")
