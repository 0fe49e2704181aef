"""The auditor's pages: search the tenant's audit trail, page by page, and export it as CSV."""

from __future__ import annotations

import csv
import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views import View

from audit import selectors
from audit.forms import AuditSearchForm
from audit.models import AuditEvent
from tenants.context import tenant_context
from tenants.permissions import Capability, refusal
from tenants.views import TenantPageMixin

PAGE_SIZE = 50
EXPORT_BATCH = 2000
#: Object types whose page an auditor can open from a row.
OBJECT_PAGES = {
    "recruiting.Application": "recruiting:application-detail",
    "recruiting.Requisition": "recruiting:requisition-detail",
}
NO_SUCH_ACTOR = -1  # a username nobody has: the search finds nothing, as it should


def _user_id(form: AuditSearchForm, field: str = "actor") -> int | None:
    username = form.cleaned_data.get(field, "") if form.is_bound and form.is_valid() else ""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).values_list("pk", flat=True)
    return user.first() or NO_SUCH_ACTOR


def _object_url(event: AuditEvent) -> str | None:
    name = OBJECT_PAGES.get(event.object_type)
    if not name or not event.object_id:
        return None
    try:
        return reverse(name, args=[event.object_id])
    except NoReverseMatch:
        return None


def _details(event: AuditEvent) -> str:
    return json.dumps(event.data, sort_keys=True, ensure_ascii=False) if event.data else ""


def _search(request):
    form = AuditSearchForm(request.GET or None)
    arguments = form.selector_arguments(
        actor_user_id=_user_id(form), on_behalf_of_user_id=_user_id(form, "on_behalf_of")
    )
    return form, selectors.audit_event_search(**arguments)


def _rows(events):
    names = selectors.actor_names(events)
    return [
        {
            "event": event,
            "who": selectors.actor_name(event, names),
            "what": selectors.action_label(event.action),
            "object_url": _object_url(event),
            "details": _details(event),
        }
        for event in events
    ]


def _search_page(view, request):
    form, events = _search(request)
    page = list(events[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    older = request.GET.copy()
    more = more and page[-1].seq is not None  # an unlinked row has no older page to cite
    if more:
        older["before"] = page[-1].seq
    export = request.GET.copy()
    export.pop("before", None)
    return render(
        request,
        "audit/search.html",
        view.page_context(
            form=form,
            rows=_rows(page),
            older_query=older.urlencode() if more else "",
            export_query=export.urlencode(),
            action_choices=selectors.audit_action_choices(),
            may_export=Capability.EXPORT in view.capabilities,
        ),
    )


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = [
    "seq",
    "at",
    "action",
    "who",
    "actor_user_id",
    "actor_api_client_id",
    "on_behalf_of_user_id",
    "object_type",
    "object_id",
    "details",
    "ip_address",
    "user_agent",
    "request_id",
    "hash",
]


def _export_csv(view, request):
    if Capability.EXPORT not in view.capabilities:
        role = getattr(getattr(request, "membership", None), "role", None)
        raise PermissionDenied(refusal(role, Capability.EXPORT).message)
    _, events = _search(request)
    writer = csv.writer(_Echo())

    tenant_id = request.tenant.pk

    def lines():
        # The response streams after the request's tenant context has closed: its own.
        with tenant_context(tenant_id):
            yield from _csv_lines(writer, events)

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


def _csv_lines(writer, events):
    """The export in batches of EXPORT_BATCH rows: first any row not yet linked into the
    chain (no seq: visible only to its own transaction before it commits, or with the chain
    trigger off), then the linked ones, walking the chain down by seq."""
    yield writer.writerow(CSV_HEADER)
    yield from _csv_rows(writer, list(events.filter(seq__isnull=True)))
    linked, before = events.filter(seq__isnull=False), None
    while batch := list(
        (linked.filter(seq__lt=before) if before is not None else linked)[:EXPORT_BATCH]
    ):
        yield from _csv_rows(writer, batch)
        before = batch[-1].seq


def _csv_rows(writer, events):
    for row in _rows(events):
        event = row["event"]
        yield writer.writerow(
            [
                event.seq,
                event.at.isoformat(),
                event.action,
                row["who"],
                event.actor_user_id or "",
                event.actor_api_client_id or "",
                event.on_behalf_of_user_id or "",
                event.object_type,
                event.object_id,
                row["details"],
                event.ip_address or "",
                event.user_agent,
                event.request_id,
                event.hash or "",
            ]
        )


class AuditSearchView(TenantPageMixin, View):
    """Who did what to which object, when: the auditor's search, newest first."""

    read_capability = Capability.READ_AUDIT

    def get(self, request):
        return _search_page(self, request)


class AuditExportView(TenantPageMixin, View):
    """The same search as CSV (every matching row, not one page); needs `export` too."""

    read_capability = Capability.READ_AUDIT

    def get(self, request):
        return _export_csv(self, request)
