"""The development webhook sink: the relay delivers to the app itself, each message's
signature verified; told to fail, it shows a retry and then a dead letter."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from demo.integrations import DEV_SINK_NAME, dev_sink_url, seed_dev_sink
from demo.result import SeedResult
from integrations.models import Connection, Delivery, DeliveryState
from integrations.services.http import HttpClient
from integrations.services.relay import RelayResult, deliveries_send, relay_run
from integrations.services.signing import signed_headers
from integrations.web.devsink import MESSAGES_KEY, sink_messages
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories

from ..milestones.factories import make_tracked_application, make_version
from .factories import make_connection

pytestmark = pytest.mark.django_db
DEV_URLCONF = "tests.integrations.devsink_urls"


@pytest.fixture
def dev_urls(settings):
    settings.ROOT_URLCONF = DEV_URLCONF
    cache.delete(MESSAGES_KEY)
    yield
    cache.delete(MESSAGES_KEY)


def _admin_client(tenant) -> Client:
    user = factories.make_user()
    factories.make_membership(tenant=tenant, user=user, role=Role.ADMIN)
    client = Client()
    client.force_login(user)
    return client


def _sink_connection(tenant, base: str, fail_first: int = 0):
    connection, secret = make_connection(tenant=tenant, url=f"{base}/dev/webhook-sink/")
    query = f"?fail_first={fail_first}" if fail_first else ""
    with tenant_context(tenant):
        Connection.objects.filter(pk=connection.pk).update(
            endpoint_url=f"{base}/dev/webhook-sink/{connection.pk}/{query}"
        )
    return connection, secret


@pytest.mark.django_db(transaction=True)
def test_the_relay_delivers_to_the_sink_with_a_retry_then_a_dead_letter(
    tenant_a, dev_urls, live_server, settings
):
    settings.INTEGRATIONS_RETRY_SCHEDULE_S = [1, 1]  # three attempts in all
    # The sink fails the first requests it receives: one POST at a time, so the first
    # application's event is the one it fails (the relay keeps order per application only).
    settings.INTEGRATIONS_RELAY_CONCURRENCY = 1
    connection, _ = _sink_connection(tenant_a, live_server.url, fail_first=3)
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    other = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    relay_run()
    # The first event failed on purpose; the other application's event went through.
    later = timezone.now()
    for _ in range(3):
        later += timedelta(minutes=1)
        deliveries_send(now=later, client=HttpClient(), result=RelayResult())
    with all_tenants_context():
        deliveries = list(Delivery.all_tenants.select_related("event"))
    states = {d.event.payload["data"]["application_id"]: d.state for d in deliveries}
    assert states == {str(application.pk): DeliveryState.DEAD, str(other.pk): "delivered"}
    messages = sink_messages(tenant_id=tenant_a.pk)
    assert [m["status"] for m in reversed(messages)] == [503, 200, 503, 503]
    assert all(m["verified"] for m in messages)
    assert {m["connection_id"] for m in messages} == {str(connection.pk)}
    page = _admin_client(tenant_a).get(reverse("devsink:page"))
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="sink-row"') == 4
    assert "Failed on purpose (HTTP 503)" in page.content.decode()


def test_a_message_with_a_bad_signature_is_refused_and_listed_unverified(tenant_a, dev_urls):
    connection, secret = _sink_connection(tenant_a, "http://localhost:8000")
    body = json.dumps({"type": "milestone.moved", "data": {}})
    headers = signed_headers([secret], msg_id="msg_1", body=body, now=timezone.now())
    url = reverse("devsink:receive", args=[connection.pk])
    client = Client()
    good = client.post(url, body, content_type="application/json", headers=headers)
    bad = client.post(url, body + " ", content_type="application/json", headers=headers)
    assert (good.status_code, bad.status_code) == (200, 401)
    newest, oldest = sink_messages(tenant_id=tenant_a.pk)
    assert (oldest["verified"], newest["verified"]) == (True, False)
    assert newest["problem"]


def test_an_admin_tells_the_sink_to_fail_and_sees_only_the_own_tenant(tenant_a, tenant_b, dev_urls):
    connection, secret = _sink_connection(tenant_a, "http://localhost:8000")
    other, _ = _sink_connection(tenant_b, "http://localhost:8000")
    client = _admin_client(tenant_a)
    assert (
        client.post(reverse("devsink:fail", args=[connection.pk]), {"count": "2"}).status_code
        == 302
    )
    assert client.post(reverse("devsink:fail", args=[other.pk]), {"count": "2"}).status_code == 404
    url = reverse("devsink:receive", args=[connection.pk])
    body = json.dumps({"type": "milestone.moved"})
    answers = []
    for msg_id in ("msg_a", "msg_b", "msg_a", "msg_a"):
        headers = signed_headers([secret], msg_id=msg_id, body=body, now=timezone.now())
        answers.append(Client().post(url, body, content_type="application/json", headers=headers))
    # The first event's next two requests fail; another event and its third go through.
    assert [r.status_code for r in answers] == [503, 200, 503, 200]
    page = client.get(reverse("devsink:page")).content.decode()
    assert page.count('data-testid="sink-row"') == 4
    assert (
        _admin_client(tenant_b)
        .get(reverse("devsink:page"))
        .content.decode()
        .count('data-testid="sink-row"')
        == 0
    )


def test_the_sink_page_is_for_admins(tenant_a, recruiter_a, dev_urls):
    client = Client()
    client.force_login(recruiter_a)
    assert client.get(reverse("devsink:page")).status_code == 403


def test_test_and_production_settings_do_not_route_the_sink(client):
    with pytest.raises(NoReverseMatch):
        reverse("devsink:page")
    assert client.get("/dev/webhook-sink/").status_code == 404
    script = (
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.INTEGRATIONS_DEV_SINK)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.production",
        "DJANGO_SECRET_KEY": "x" * 64,
        "DATABASE_URL": "postgres://ats@db.example.com/ats",
        "INTEGRATIONS_SECRET_KEYS": "A" * 43 + "=",
        "DJANGO_DEBUG": "true",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "False", out.stderr


def test_the_demo_seeds_one_connection_to_the_sink_from_site_url(tenant_a, settings):
    settings.SITE_URL = "http://localhost:8000"
    result = SeedResult()
    with tenant_context(tenant_a):
        seed_dev_sink(tenant_a, result)
        seed_dev_sink(tenant_a, result)  # once
        (connection,) = Connection.objects.filter(name=DEV_SINK_NAME)
    assert connection.endpoint_url == dev_sink_url(connection.pk)
    assert connection.endpoint_url.startswith("http://localhost:8000/dev/webhook-sink/")
    assert result.created == {"webhook connections": 1}
