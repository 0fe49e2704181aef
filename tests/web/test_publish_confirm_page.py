"""The workflow editor's publish confirmation: the preview of in-flight differences (GET,
writes nothing), a re-preview with one event, and the Publish button's POST."""

from __future__ import annotations

import pytest

from milestones.models import FrameworkVersion, VersionStatus
from tenants.context import all_tenants_context
from tests.milestones.factories import make_in_flight_application, make_preview_versions
from tests.support import table_row_counts

pytestmark = pytest.mark.django_db


def _url(version) -> str:
    return f"/workflows/versions/{version.pk}/publish/"


def test_the_version_page_publishes_through_the_confirmation(admin_client, tenant_a):
    _, new = make_preview_versions(tenant_a)
    page = admin_client.get(f"/workflows/versions/{new.pk}/").content.decode()
    assert f'<form method="get" action="{_url(new)}">' in page


def test_the_confirmation_shows_the_in_flight_differences_and_writes_nothing(
    admin_client, tenant_a
):
    old, new = make_preview_versions(tenant_a)
    make_in_flight_application(tenant_a, old, first_name="Grace", last="Hopper")
    before = table_row_counts()
    response = admin_client.get(_url(new))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Grace Hopper" in page
    assert 'data-testid="summary-changed">1<' in page
    assert 'data-change="changed" data-kind="escalation"' in page
    assert f"Publish version {new.number}" in page
    assert table_row_counts() == before


def test_one_event_for_everyone_re_previews(admin_client, tenant_a):
    old, new = make_preview_versions(tenant_a)
    make_in_flight_application(tenant_a, old)
    response = admin_client.get(
        _url(new),
        {
            "horizon_days": "1",
            "event_type": "assessment.completed",
            "payload": '{"score": 72}',
            "after_hours": "1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-change="only_in_new" data-kind="auto_advance"' in page
    assert "auto advance APPLIED → INTERVIEW (scored well)" in page


def test_a_bad_payload_or_horizon_is_named(admin_client, tenant_a):
    _, new = make_preview_versions(tenant_a)
    response = admin_client.get(_url(new), {"event_type": "x", "payload": "[1]"})
    assert response.status_code == 400
    assert 'data-testid="error-payload"' in response.content.decode()
    response = admin_client.get(_url(new), {"horizon_days": "400"})
    assert response.status_code == 400
    assert 'data-testid="error-horizon_days"' in response.content.decode()


def test_an_active_version_has_nothing_to_confirm(admin_client, tenant_a):
    old, _ = make_preview_versions(tenant_a)
    response = admin_client.get(_url(old))
    assert response.status_code == 422
    page = response.content.decode()
    assert "nothing to preview" in page
    assert "Publish version" not in page


def test_a_pilot_is_published_through_the_confirmation_too(admin_client, tenant_a):
    old, new = make_preview_versions(tenant_a)
    with all_tenants_context():
        new.status = VersionStatus.PILOT
        new.save(update_fields=["status"])
    page = admin_client.get(f"/workflows/versions/{new.pk}/").content.decode()
    assert f'<form method="get" action="{_url(new)}">' in page
    assert admin_client.get(_url(new)).status_code == 200
    admin_client.post(_url(new))
    with all_tenants_context():
        assert FrameworkVersion.all_tenants.get(pk=new.pk).status == VersionStatus.ACTIVE
        assert FrameworkVersion.all_tenants.get(pk=old.pk).status == VersionStatus.RETIRED


def test_another_tenants_version_is_not_found_and_a_recruiter_is_refused(
    admin_client, client_a, tenant_a, tenant_b
):
    _, theirs = make_preview_versions(tenant_b)
    assert admin_client.get(_url(theirs)).status_code == 404
    _, ours = make_preview_versions(tenant_a)
    assert client_a.get(_url(ours)).status_code == 403
