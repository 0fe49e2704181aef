"""The development webhook sink: a receiver the app itself serves when DEBUG is on, so a
newcomer sees deliveries, a retry and a dead letter with no other server.

Routed only by `ats_milestones.urls` when `INTEGRATIONS_DEV_SINK` is on (local settings
set it from DEBUG; production and test settings never do). What arrived is kept in the
cache (the last 200 messages): the development server is one process.

- `POST /dev/webhook-sink/<connection id>/` receives: it verifies the Standard Webhooks
  signature against that connection's secrets and answers 200, 401 for a bad signature,
  or 503 while it was told to fail. Told to fail N requests, it fails the next N
  requests of the first event that arrives (that event is retried, and with N above the
  retry schedule's length it becomes a dead letter); other events go through. The
  endpoint's `?fail_first=N` tells it once per process (the demo seed uses it).
- `GET /dev/webhook-sink/` lists what arrived for the admin's tenant, each with its
  signature verified or the reason it was not; a form tells a connection's sink to fail.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from standardwebhooks.webhooks import WebhookVerificationError

from integrations import selectors
from integrations.models import Connection
from integrations.services.signing import signing_secrets, verify
from integrations.web.views import AdminPageMixin
from tenants.context import all_tenants_context

MESSAGES_KEY = "devsink:messages"
KEEP = 200
MAX_FAILURES = 100


def _plan_key(connection_id) -> str:
    return f"devsink:plan:{connection_id}"


def sink_fail(connection_id, count: int) -> None:
    """Fail the next `count` requests of the next event that arrives for the connection."""
    cache.set(_plan_key(connection_id), {"remaining": count, "webhook_id": None}, timeout=None)


def sink_messages(*, tenant_id) -> list[dict]:
    return [m for m in cache.get(MESSAGES_KEY, []) if m["tenant_id"] == str(tenant_id)]


def _should_fail(connection_id, webhook_id: str, first: int) -> bool:
    key = _plan_key(connection_id)
    if first:
        cache.add(key, {"remaining": first, "webhook_id": None}, timeout=None)
    plan = cache.get(key)
    if not plan or plan["remaining"] <= 0 or plan["webhook_id"] not in (None, webhook_id):
        return False
    cache.set(key, {"remaining": plan["remaining"] - 1, "webhook_id": webhook_id}, timeout=None)
    return True


def _remember(message: dict) -> None:
    cache.set(MESSAGES_KEY, [message, *cache.get(MESSAGES_KEY, [])][:KEEP], timeout=None)


@method_decorator(csrf_exempt, name="dispatch")
class SinkReceiveView(View):
    def post(self, request, connection_id):
        with all_tenants_context():
            connection = Connection.all_tenants.filter(pk=connection_id).first()
        if connection is None:
            return JsonResponse({"error": "no such connection"}, status=404)
        body = request.body
        headers = {k.lower(): v for k, v in request.headers.items()}
        webhook_id = headers.get("webhook-id", "")
        try:
            verify(signing_secrets(connection), body=body, headers=headers)
            verified, problem = True, ""
        except WebhookVerificationError as exc:
            verified, problem = False, str(exc) or "The signature does not verify."
        try:
            first = min(int(request.GET.get("fail_first", "0")), MAX_FAILURES)
        except ValueError:
            first = 0
        failing = verified and _should_fail(connection.pk, webhook_id, first)
        status = 401 if not verified else 503 if failing else 200
        try:
            event_type = json.loads(body).get("type", "")
        except (ValueError, AttributeError):
            event_type = ""
        _remember(
            {
                "tenant_id": str(connection.tenant_id),
                "connection_id": str(connection.pk),
                "connection": connection.name,
                "webhook_id": webhook_id,
                "type": event_type,
                "received_at": timezone.now().isoformat(),
                "verified": verified,
                "problem": problem,
                "status": status,
                "body": body[:2048].decode("utf-8", errors="replace"),
            }
        )
        if status == 200:
            return JsonResponse({"ok": True})
        message = "told to fail" if failing else problem
        return JsonResponse({"error": message}, status=status)


class SinkPageView(AdminPageMixin, View):
    def get(self, request):
        connections = list(
            selectors.connection_list(tenant_id=request.tenant.pk).filter(
                endpoint_url__contains="/dev/webhook-sink/"
            )
        )
        messages = sink_messages(tenant_id=request.tenant.pk)
        for message in messages:
            message["received"] = datetime.fromisoformat(message["received_at"])
        return render(
            request,
            "integrations/dev_sink.html",
            {"sink_messages": messages, "connections": connections},
        )


class SinkFailView(AdminPageMixin, View):
    def post(self, request, connection_id):
        connection = self.get_connection(connection_id)
        try:
            count = int(request.POST.get("count", ""))
        except ValueError:
            count = -1
        if not 0 <= count <= MAX_FAILURES:
            raise Http404("Give a number of requests from 0 to 100.")
        sink_fail(connection.pk, count)
        return HttpResponseRedirect(reverse("devsink:page"))
