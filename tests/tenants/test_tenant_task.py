"""Tasks run inside their tenant, and refuse to run without one."""

import pytest

from recruiting.models import Candidate
from tenants.errors import TenantContextMissing
from tenants.tasks import tenant_task
from tests import factories

pytestmark = pytest.mark.django_db


@tenant_task(name="tests.count_candidates_task")
def count_candidates_task(*, tenant_id: str) -> int:
    return Candidate.objects.count()


def test_task_sees_only_its_tenants_rows(tenant_a, tenant_b):
    factories.make_candidate(tenant=tenant_a)
    factories.make_candidate(tenant=tenant_b)
    factories.make_candidate(tenant=tenant_b)
    assert count_candidates_task.apply(kwargs={"tenant_id": str(tenant_b.pk)}).get() == 2


def test_task_without_tenant_raises(db):
    result = count_candidates_task.apply(kwargs={})
    with pytest.raises(TenantContextMissing):
        result.get()
