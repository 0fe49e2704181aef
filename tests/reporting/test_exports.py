"""Exports of stays and transitions: streamed, documented columns, who may and what they see."""

from __future__ import annotations

import csv
import io
import uuid

import pyarrow.parquet as pq
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milestones.services.transitions.moves import application_transition
from recruiting.models import Application
from reporting.exports.datasets import STAYS, TRANSITIONS
from reporting.exports.stream import ExportFilters, export_chunks
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role
from tests import factories
from tests.milestones.factories import make_tracked_application, make_version
from tests.support import assert_error

pytestmark = pytest.mark.django_db


def _move(tenant, application, action="advance", **kw):
    with tenant_context(tenant):
        return application_transition(
            application_id=application.pk, action=action, expected_version=None, **kw
        )


def _applications(tenant, count, *, version=None, moves=1):
    version = version or make_version(tenant=tenant)
    made = []
    for _ in range(count):
        application = make_tracked_application(tenant=tenant, version=version)
        for _ in range(moves):
            _move(tenant, application)
        made.append(application)
    return made


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response).decode())))


def _session(tenant, role=Role.RECRUITER) -> Client:
    client = Client()
    client.force_login(factories.make_membership(tenant=tenant, role=role).user)
    return client


def test_transitions_csv_has_the_documented_columns_in_a_stable_order(api_a, tenant_a):
    [application] = _applications(tenant_a, 1, moves=2)
    response = api_a.get(reverse("export-dataset", args=["transitions"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = _csv(response)
    assert list(lines[0]) == TRANSITIONS.column_names
    # One writing transaction here (the test's), so its rows come in id order.
    assert [line["transition_id"] for line in lines] == sorted(
        row["transition_id"] for row in lines
    )
    lines.sort(key=lambda line: line["at"])
    assert [line["kind"] for line in lines] == ["initialize", "advance", "advance"]
    assert [line["to_milestone_code"] for line in lines] == ["APPLIED", "SCREEN", "INTERVIEW"]
    assert lines[1]["from_milestone_name"] == "Applied"
    assert lines[1]["to_milestone_name"] == "Screen"
    assert {line["application_id"] for line in lines} == {str(application.pk)}
    uuid.UUID(lines[0]["transition_id"])
    assert lines[0]["at"].endswith("Z") and "T" in lines[0]["at"]


def test_parquet_opens_with_pyarrow_with_typed_columns(api_a, tenant_a):
    _applications(tenant_a, 3)
    response = api_a.get(reverse("export-dataset", args=["stays"]), {"format": "parquet"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(_body(response)))
    assert table.column_names == STAYS.column_names
    assert table.num_rows == 6  # each application: APPLIED (advanced) and SCREEN (open)
    assert str(table.schema.field("entered_at").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("calendar_seconds").type) == "double"
    ended = sorted(table.column("ended").to_pylist())
    assert ended == ["", "", "", "advanced", "advanced", "advanced"]
    assert set(table.column("milestone_name").to_pylist()) == {"Applied", "Screen"}


def test_the_first_rows_are_sent_before_the_rest_is_read(api_a, tenant_a, settings):
    settings.EXPORTS_BATCH_ROWS = 4
    _applications(tenant_a, 6)  # 12 transitions: three batches
    response = api_a.get(reverse("export-dataset", args=["transitions"]))
    chunks = iter(response.streaming_content)
    header, first = next(chunks), next(chunks)
    assert header.decode().startswith("transition_id,")
    assert first.decode().count("\n") == 4  # one batch, not the whole export
    rest = b"".join(chunks)
    assert rest.decode().count("\n") == 8


def test_parquet_is_sent_one_row_group_at_a_time(tenant_a):
    _applications(tenant_a, 5)  # 10 transitions
    filters = ExportFilters(tenant_id=tenant_a.pk, sensitive=True)
    with tenant_context(tenant_a):
        chunks = list(export_chunks(TRANSITIONS, filters, "parquet", batch_rows=3))
    assert len(chunks) >= 4  # a row group per batch, then the footer
    file = pq.ParquetFile(io.BytesIO(b"".join(chunks)))
    assert file.metadata.num_row_groups == 4
    assert file.metadata.num_rows == 10


def test_sensitive_milestones_rows_are_left_out_without_view_sensitive(tenant_a):
    version = make_version(tenant=tenant_a, milestones={"SCREEN": {"is_sensitive": True}})
    _applications(tenant_a, 1, version=version, moves=2)
    with tenant_context(tenant_a):
        hidden = b"".join(
            export_chunks(TRANSITIONS, ExportFilters(tenant_id=tenant_a.pk), "csv")
        ).decode()
        shown = b"".join(
            export_chunks(TRANSITIONS, ExportFilters(tenant_id=tenant_a.pk, sensitive=True), "csv")
        ).decode()
    assert "SCREEN" not in hidden and hidden.count("\n") == 2  # header and the entry
    assert shown.count("SCREEN") == 2


def test_period_and_department_filters(api_a, tenant_a):
    sales = factories.make_department(tenant=tenant_a, name="Sales")
    version = make_version(tenant=tenant_a)
    requisition = factories.make_requisition(
        tenant=tenant_a, framework_version=version, department=sales
    )
    _applications(tenant_a, 2, version=version)
    mine = make_tracked_application(tenant=tenant_a, version=version)
    with all_tenants_context():
        Application.all_tenants.filter(pk=mine.pk).update(requisition=requisition)
    response = api_a.get(
        reverse("export-dataset", args=["transitions"]), {"department": str(sales.pk)}
    )
    lines = _csv(response)
    assert [line["department_name"] for line in lines] == ["Sales"]
    later = api_a.get(
        reverse("export-dataset", args=["transitions"]), {"since": "2999-01-01T00:00:00Z"}
    )
    assert _csv(later) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"format": "xlsx"}, "format"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-01T00:00Z", "until": "2026-01-01T00:00Z"}, "until"),
        ({"department": "not-an-id"}, "department.0"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_query_answers_400_naming_the_parameter(api_a, query, field):
    response = api_a.get(reverse("export-dataset", args=["transitions"]), query)
    assert_error(response, 400, field=field)


def test_an_unknown_dataset_is_404(api_a):
    assert_error(api_a.get(reverse("export-dataset", args=["salaries"])), 404, "NOT_FOUND")


def test_a_role_without_export_gets_403_on_the_api_and_the_page(tenant_a):
    client = _session(tenant_a, Role.HIRING_MANAGER)
    assert_error(client.get(reverse("export-dataset", args=["transitions"])), 403)
    assert client.get(reverse("exports:page")).status_code == 403
    assert client.get(reverse("exports:download"), {"dataset": "stays"}).status_code == 403


def test_an_api_client_without_the_exports_scope_gets_403(tenant_a):
    _, token = factories.make_api_client(tenant=tenant_a, scopes=["applications:read"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(client.get(reverse("export-dataset", args=["transitions"])), 403)


def test_another_tenants_rows_never_leave(api_b, tenant_a, tenant_b):
    _applications(tenant_a, 2)
    assert _csv(api_b.get(reverse("export-dataset", args=["transitions"]))) == []


def test_the_page_offers_the_datasets_and_a_download_that_streams(tenant_a):
    _applications(tenant_a, 2)
    client = _session(tenant_a, Role.AUDITOR)
    page = client.get(reverse("exports:page"), {"dataset": "transitions", "format": "csv"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="export-download"' in html and "to_milestone_name" in html
    download = client.get(reverse("exports:download"), {"dataset": "transitions", "format": "csv"})
    assert download.status_code == 200
    assert len(_csv(download)) == 4


def test_the_page_refuses_a_bad_choice_with_400(tenant_a):
    client = _session(tenant_a, Role.AUDITOR)
    response = client.get(reverse("exports:download"), {"dataset": "salaries", "format": "csv"})
    assert response.status_code == 400
    assert "Dataset" in response.content.decode()


def test_the_dataset_list_documents_every_column(api_a):
    body = api_a.get(reverse("export-datasets")).json()
    names = {d["name"]: d for d in body}
    assert {"stays", "transitions"} <= set(names)
    assert [c["name"] for c in names["stays"]["columns"]] == STAYS.column_names
    assert all(c["meaning"] for d in body for c in d["columns"])


@pytest.mark.parametrize("dataset", ["transitions", "stays"])
def test_an_export_costs_the_same_queries_at_any_size(
    api_a, tenant_a, dataset, settings, django_assert_num_queries
):
    settings.EXPORTS_BATCH_ROWS = 3
    version = make_version(tenant=tenant_a)

    def export() -> int:
        response = api_a.get(reverse("export-dataset", args=[dataset]))
        return len(_csv(response))

    _applications(tenant_a, 2, version=version)
    export()  # the first request of a client also records its use
    with CaptureQueriesContext(connection) as small:
        small_rows = export()
    _applications(tenant_a, 8, version=version)
    with django_assert_num_queries(len(small.captured_queries)):
        assert export() > small_rows


def test_a_confidential_requisitions_rows_leave_only_for_those_who_see_it(tenant_a):
    version = make_version(tenant=tenant_a)
    secret = factories.make_requisition(
        tenant=tenant_a, framework_version=version, is_confidential=True
    )
    _applications(tenant_a, 1, version=version)
    hidden = make_tracked_application(tenant=tenant_a, version=version)
    with all_tenants_context():
        Application.all_tenants.filter(pk=hidden.pk).update(requisition=secret)

    def exported(role) -> set[str]:
        response = _session(tenant_a, role).get(
            reverse("exports:download"), {"dataset": "transitions", "format": "csv"}
        )
        return {line["application_id"] for line in _csv(response)}

    assert str(hidden.pk) not in exported(Role.AUDITOR)
    assert len(exported(Role.AUDITOR)) == 1
    assert str(hidden.pk) in exported(Role.ADMIN)
