"""List endpoints cost a constant number of queries, however many rows a page holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

# Authentication (scope switch, token lookup, scope switch back), the tenant setting
# (enter, leave) and the page itself: six, and none of them per row.
MAX_QUERIES = 6


def _warm(api) -> None:
    """Use the token once, so its last_used_at stamp is not written inside the count."""
    assert api.get(reverse("ping")).status_code == 200


def _query_count(api, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_listing_50_applications_uses_a_small_constant_number_of_queries(
    api_a, tenant_a, django_assert_max_num_queries
):
    requisition = factories.make_requisition(tenant=tenant_a)
    for _ in range(50):
        factories.make_application(tenant=tenant_a, requisition=requisition)
    _warm(api_a)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = api_a.get(reverse("applications-list"))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("applications-list", factories.make_application),
        ("requisitions-list", factories.make_requisition),
        ("candidates-list", factories.make_candidate),
        ("departments-list", factories.make_department),
    ],
)
def test_list_query_count_does_not_grow_with_rows(api_a, tenant_a, name, make):
    url = reverse(name)
    make(tenant=tenant_a)
    _warm(api_a)
    with_one = _query_count(api_a, url)
    for _ in range(20):
        make(tenant=tenant_a)
    assert _query_count(api_a, url) == with_one <= MAX_QUERIES


def test_another_tenants_rows_neither_show_nor_cost_queries(api_a, tenant_a, tenant_b):
    mine = factories.make_application(tenant=tenant_a)
    _warm(api_a)
    before = _query_count(api_a, reverse("applications-list"))
    for _ in range(10):
        factories.make_application(tenant=tenant_b)
    assert _query_count(api_a, reverse("applications-list")) == before
    results = api_a.get(reverse("applications-list")).json()["results"]
    assert [row["id"] for row in results] == [str(mine.pk)]
