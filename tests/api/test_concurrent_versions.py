"""Two writers holding the same ETag: one wins, the other gets 409 STALE_VERSION."""

from __future__ import annotations

import threading

from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.support import refreshed


def test_concurrent_patches_with_one_etag_let_exactly_one_through(
    committing_db, tenant_a, api_token_a
):
    application = factories.make_application(tenant=tenant_a)
    url = reverse("applications-detail", kwargs={"pk": application.pk})
    workers = 3
    barrier = threading.Barrier(workers)
    statuses: list[int] = []
    errors: list[Exception] = []

    def patch(hire_type: str) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_a}")
        try:
            barrier.wait(timeout=10)
            response = client.patch(
                url, {"hire_type": hire_type}, format="json", HTTP_IF_MATCH='"1"'
            )
            statuses.append(response.status_code)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=patch, args=(t,)) for t in ("urgent", "executive", "urgent")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert sorted(statuses) == [200, 409, 409]
    assert refreshed(application).version == 2


def test_the_current_etag_of_another_tenants_application_still_gets_404(
    committing_db, tenant_a, api_b
):
    application = factories.make_application(tenant=tenant_a)
    url = reverse("applications-detail", kwargs={"pk": application.pk})
    response = api_b.patch(url, {"hire_type": "urgent"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 404
    assert refreshed(application).version == 1
