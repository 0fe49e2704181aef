"""Integration pages for admins: connections (add, validate, enable), each connection's
delivery log, and the dead letters with replay."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ats_milestones.errors import DomainError
from integrations import selectors
from integrations.models import (
    AuthKind,
    Connection,
    ConnectionKind,
    Delivery,
    DeliveryState,
    PrecedenceRule,
)
from integrations.outbox import event_types
from integrations.services import connections as services
from integrations.services.dead_letters import dead_letters_replay
from integrations.services.field_sync import SYNCABLE_FIELDS, field_precedence_of
from tenants.access import access_denied_on_page
from tenants.permissions import Capability
from tenants.views import TenantPageMixin

PAGE_SIZE = 50
RECEIPTS_SHOWN = 20  # the newest inbound events on a connection's page (the API pages all)
FORM_FIELDS = (
    "name",
    "kind",
    "endpoint_url",
    "auth_kind",
    "auth_username",
    "oauth_token_url",
    "oauth_scope",
    "timeout_s",
    "rate_limit_per_minute",
)


class AdminPageMixin(TenantPageMixin):
    """Integration pages show where candidate events go: admins only (the permission layer's
    CONFIGURE_INTEGRATIONS, for reading them too)."""

    read_capability = Capability.CONFIGURE_INTEGRATIONS
    write_capability = Capability.CONFIGURE_INTEGRATIONS

    def get_connection(self, pk):
        connection = (
            selectors.connection_list(tenant_id=self.request.tenant.pk).filter(pk=pk).first()
        )
        if connection is None:
            access_denied_on_page(self.request, model=Connection, object_id=pk)
            raise Http404("No such connection.")
        return connection


def _form_values(post) -> tuple[dict, dict]:
    values, errors = {}, {}
    for name in FORM_FIELDS:
        values[name] = post.get(name, "").strip()
    values["event_types"] = [t for t in post.getlist("event_types") if t]
    try:
        values["filters"] = json.loads(post.get("filters") or "{}")
    except ValueError:
        errors["filters"] = ['Filters are JSON, e.g. {"to_milestone": ["OFFER"]}.']
    try:
        values["connector_settings"] = json.loads(post.get("connector_settings") or "{}")
    except ValueError:
        errors["connector_settings"] = ['Connector settings are JSON, e.g. {"package": "basic"}.']
    for name, cast in (("timeout_s", float), ("rate_limit_per_minute", int)):
        if values[name] == "":
            values.pop(name) if name == "timeout_s" else values.__setitem__(name, None)
            continue
        try:
            values[name] = cast(values[name])
        except ValueError:
            errors[name] = ["Enter a number."]
    if not values["name"]:
        errors["name"] = ["Give the connection a name."]
    if values.get("timeout_s") is not None and not 0.5 <= values["timeout_s"] <= 30:
        errors["timeout_s"] = ["Between 0.5 and 30 seconds."]
    return values, errors


def _precedence_rows(connection) -> list[dict]:
    """Each syncable field, its label and the connection's rule for it."""
    rules = field_precedence_of(connection)
    return [
        {"name": name, "label": field.label, "rule": rules[name]}
        for name, field in SYNCABLE_FIELDS.items()
    ]


class ConnectionListView(AdminPageMixin, View):
    template = "integrations/connection_list.html"

    def _render(self, request, **extra):
        connections = selectors.connection_list(tenant_id=request.tenant.pk)
        return render(
            request,
            self.template,
            self.page_context(
                connections=connections,
                kinds=ConnectionKind.choices,
                auth_kinds=AuthKind.choices,
                event_types=event_types(),
                dead_letters=selectors.dead_letter_list(tenant_id=request.tenant.pk).count(),
                open_conflicts=selectors.open_conflict_count(tenant_id=request.tenant.pk),
                **extra,
            ),
        )

    def get(self, request):
        return self._render(request, form={})

    def post(self, request):
        values, errors = _form_values(request.POST)
        if not errors:
            try:
                connection, secret = services.connection_create(
                    tenant_id=request.tenant.pk,
                    actor=self.actor,
                    values=values,
                    auth_secret=request.POST.get("auth_secret", ""),
                )
            except DomainError as refusal:
                errors = refusal.fields or {"__all__": [refusal.message]}
            else:
                result = services.connection_validate(connection=connection, actor=self.actor)
                # Rendered, not redirected: the signing secret is shown on this answer only.
                return ConnectionDetailView.render_page(
                    self, request, connection, created_secret=secret, validation=result
                )
        return self._render(request, form=request.POST, errors=errors)


class ConnectionDetailView(AdminPageMixin, View):
    @staticmethod
    def render_page(view, request, connection, **extra):
        deliveries = selectors.delivery_list(
            tenant_id=request.tenant.pk, connection_id=connection.pk
        ).prefetch_related("attempt_log")
        page_obj = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "integrations/connection_detail.html",
            view.page_context(
                connection=connection,
                page_obj=page_obj,
                now=timezone.now(),
                precedence=_precedence_rows(connection),
                receipts=selectors.inbound_receipt_list(
                    tenant_id=request.tenant.pk, connection_id=connection.pk
                )[:RECEIPTS_SHOWN],
                precedence_rules=PrecedenceRule.choices,
                **extra,
            ),
        )

    def get(self, request, pk):
        return self.render_page(self, request, self.get_connection(pk))


class ConnectionValidateView(AdminPageMixin, View):
    def post(self, request, pk):
        connection = self.get_connection(pk)
        result = services.connection_validate(connection=connection, actor=self.actor)
        (messages.success if result.ok else messages.error)(
            request, f"Validation: {result.message}"
        )
        return HttpResponseRedirect(
            reverse("integrations:connection-detail", args=[pk]), status=303
        )


class ConnectionEnableView(AdminPageMixin, View):
    def post(self, request, pk):
        connection = self.get_connection(pk)
        enable = request.POST.get("enabled") == "on"
        services.connection_update(
            connection=connection, actor=self.actor, values={"enabled": enable}
        )
        messages.success(request, f"{connection.name} is {'enabled' if enable else 'disabled'}.")
        return HttpResponseRedirect(
            reverse("integrations:connection-detail", args=[pk]), status=303
        )


class DeadLetterListView(AdminPageMixin, View):
    def get(self, request):
        letters = selectors.dead_letter_list(tenant_id=request.tenant.pk).prefetch_related(
            "attempt_log"
        )
        page_obj = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "integrations/dead_letter_list.html",
            self.page_context(page_obj=page_obj, now=timezone.now()),
        )


class DeadLetterReplayView(AdminPageMixin, View):
    def post(self, request, pk=None):
        letters = selectors.dead_letter_list(tenant_id=request.tenant.pk)
        if pk is not None:
            letters = letters.filter(pk=pk)
            if not letters.exists():
                access_denied_on_page(request, model=Delivery, object_id=pk)
                raise Http404("No such dead letter.")
        try:
            replayed = dead_letters_replay(deliveries=list(letters), actor=self.actor)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            n = len(replayed)
            messages.success(
                request, f"{n} event{'s' if n != 1 else ''} put back in line for delivery."
            )
        return HttpResponseRedirect(reverse("integrations:dead-letters"), status=303)


STATE_LABELS = dict(DeliveryState.choices)
