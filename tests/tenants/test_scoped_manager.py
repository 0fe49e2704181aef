"""The ORM refuses to read tenant rows without a tenant in context."""

import pytest

from recruiting.models import Candidate
from tenants.context import tenant_context
from tenants.errors import CrossTenantAccess, TenantContextMissing
from tests import factories

pytestmark = pytest.mark.django_db


def test_unscoped_query_raises_instead_of_reading_across_tenants(tenant_a):
    factories.make_candidate(tenant=tenant_a)
    with pytest.raises(TenantContextMissing):
        list(Candidate.objects.all())


def test_default_manager_sees_only_the_tenant_in_context(tenant_a, tenant_b):
    mine = factories.make_candidate(tenant=tenant_a)
    factories.make_candidate(tenant=tenant_b)
    with tenant_context(tenant_a):
        assert list(Candidate.objects.values_list("pk", flat=True)) == [mine.pk]


def test_for_tenant_refuses_another_tenant_than_the_one_in_context(tenant_a, tenant_b):
    with tenant_context(tenant_a), pytest.raises(CrossTenantAccess):
        Candidate.objects.for_tenant(tenant_b)


def test_save_without_tenant_takes_the_tenant_in_context(tenant_a):
    with tenant_context(tenant_a):
        candidate = Candidate.objects.create(first_name="A", last_name="B")
    assert candidate.tenant_id == tenant_a.pk


def test_save_with_no_tenant_anywhere_raises(db):
    with pytest.raises(TenantContextMissing):
        Candidate(first_name="A", last_name="B").save()


def test_subclass_overriding_get_queryset_is_refused_at_class_creation():
    from ats_milestones.api.base import TenantScopedAPIView

    with pytest.raises(TypeError, match="tenant_queryset"):

        class Leaky(TenantScopedAPIView):
            def get_queryset(self):
                return Candidate.all_tenants.all()
