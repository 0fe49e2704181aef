"""The search terms' migrations (recruiting 0009, 0010) on a database that has candidates:
the terms of every tenant's candidates are written, and the triggers keep them after."""

from __future__ import annotations

import uuid

import pytest

from recruiting.models import Candidate, CandidateSearchTerm
from recruiting.search import candidate_search_q
from tenants.context import all_tenants_context, tenant_context
from tests import factories
from tests.support import latest_migrations, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("recruiting", "0008_requisition_confidential")]


def test_candidates_there_before_get_their_terms_and_keep_them():
    acme, globex = factories.make_tenant(), factories.make_tenant()
    old = migrate_to(BEFORE)
    OldCandidate = old.get_model("recruiting", "Candidate")
    with all_tenants_context():
        for tenant, first, last in ((acme, "Grace", "Hopper"), (globex, "Ada", "de Lovelace")):
            OldCandidate.objects.create(
                id=uuid.uuid4(), tenant_id=tenant.pk, first_name=first, last_name=last
            )
    migrate_to(latest_migrations("recruiting"))

    with all_tenants_context():
        terms = set(CandidateSearchTerm.all_tenants.values_list("tenant_id", "term"))
    assert terms == {
        (acme.pk, "grace"),
        (acme.pk, "hopper"),
        (globex.pk, "ada"),
        (globex.pk, "de"),
        (globex.pk, "lovelace"),
    }
    with tenant_context(globex):
        assert [c.last_name for c in Candidate.objects.filter(candidate_search_q("love"))] == [
            "de Lovelace"
        ]
    with all_tenants_context():
        Candidate.all_tenants.filter(first_name="Grace").update(first_name="Amazing")
    with tenant_context(acme):
        assert Candidate.objects.filter(candidate_search_q("amaz")).count() == 1
        assert not Candidate.objects.filter(candidate_search_q("grace")).exists()
