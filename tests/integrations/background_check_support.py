"""Setup shared by the background-check tests: a fake Checkr's routes, a vendor
connection, an application that enters the check, and the vendor's updates."""

from __future__ import annotations

from integrations.connectors.inbound import background_check_updated
from integrations.inbound_handlers import InboundEvent
from integrations.models import (
    BackgroundCheck,
    Connection,
    ConnectionKind,
)
from integrations.services.relay import relay_run
from milestones.core.engine import MoveAction
from milestones.services.transitions.initialize import application_milestones_initialize
from milestones.services.transitions.moves import application_transition
from recruiting.models import Application
from tenants.context import tenant_context
from tests import factories

from ..milestones.factories import make_version
from .factories import make_connection

ROUTES = {
    "/v1/candidates": b'{"id": "cand_1", "object": "candidate"}',
    "/v1/invitations": b'{"id": "inv_1", "object": "invitation", "status": "pending"}',
    "/v1/reports": b'{"id": "rep_9", "object": "report", "status": "pending"}',
}


CODES = ("APPLIED", "BACKGROUND_CHECK", "OFFER")


def vendor_base_url(vendor) -> str:
    return vendor.url.removesuffix("/hooks")


def vendor_connection(tenant, vendor, **settings_values):
    connection, _ = make_connection(
        tenant=tenant, url=vendor_base_url(vendor), kind=ConnectionKind.BACKGROUND_CHECK
    )
    if settings_values:
        with tenant_context(tenant):
            Connection.objects.filter(pk=connection.pk).update(connector_settings=settings_values)
            connection.refresh_from_db()
    return connection


def new_application(tenant, codes=CODES):
    recruiter = factories.make_user()
    factories.make_membership(tenant=tenant, user=recruiter)
    version = make_version(tenant=tenant, codes=codes)
    requisition = factories.make_requisition(
        tenant=tenant, framework_version=version, recruiter=recruiter
    )
    application = factories.make_application(tenant=tenant, requisition=requisition)
    with tenant_context(tenant):
        application_milestones_initialize(application_id=application.pk)
    return application


def enter_check(tenant, application, capture):
    with tenant_context(tenant):
        application_transition(
            application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
        )
    with capture(execute=True):
        relay_run()


def the_check(tenant) -> BackgroundCheck:
    with tenant_context(tenant):
        return BackgroundCheck.objects.get()


def vendor_update(connection, tenant, webhook_id="msg_1", at=None, **data):
    event = InboundEvent(
        connection=connection,
        webhook_id=webhook_id,
        event_type="background_check.updated",
        occurred_at=at,
        data=data,
    )
    with tenant_context(tenant):
        return background_check_updated(event)


def current_of(tenant, application) -> tuple[str | None, str]:
    with tenant_context(tenant):
        row = Application.objects.select_related("current_milestone").get(pk=application.pk)
    return (row.current_milestone.code if row.current_milestone else None), row.status
