"""The tenant's milestone code pattern is evaluated in linear time (issue #11: `^(A+)+$`
took seconds); what the engine cannot run is a 400 naming it."""

from __future__ import annotations

import time

import pytest

from milestones.models import (
    MilestoneSettings,
    VersionStatus,
)
from tests.milestones.factories import make_version
from tests.support import assert_error, rows

pytestmark = pytest.mark.django_db

# -- the milestone code pattern: linear time -------------------------------------------------


def test_a_catastrophic_code_pattern_validates_codes_in_linear_time(api_a, tenant_a):
    response = api_a.patch("/api/v1/milestone_settings", {"code_pattern": "^(A+)+$"}, format="json")
    assert response.status_code == 200, response.content[:300]
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    started = time.monotonic()
    response = api_a.post(
        f"/api/v1/framework_versions/{version.pk}/milestones",
        {"code": "A" * 26 + "!", "name": "Slow"},
        format="json",
    )
    assert time.monotonic() - started < 1.0
    assert_error(response, 400, field="code")


@pytest.mark.parametrize("pattern", [r"^(A)\1$", r"^(?=A)[A-Z]+$", "[unclosed"])
def test_an_unsupported_code_pattern_is_400_naming_it(api_a, tenant_a, pattern):
    response = api_a.patch("/api/v1/milestone_settings", {"code_pattern": pattern}, format="json")
    assert_error(response, 400, field="code_pattern")
    assert rows(MilestoneSettings, tenant=tenant_a) == []


def test_the_code_pattern_still_applies(api_a, tenant_a):
    api_a.patch("/api/v1/milestone_settings", {"code_pattern": "^[A-Z]{2,8}$"}, format="json")
    version = make_version(tenant=tenant_a, status=VersionStatus.DRAFT)
    url = f"/api/v1/framework_versions/{version.pk}/milestones"
    assert_error(api_a.post(url, {"code": "lower", "name": "x"}, format="json"), 400, field="code")
    assert api_a.post(url, {"code": "UPPER", "name": "x"}, format="json").status_code == 201
