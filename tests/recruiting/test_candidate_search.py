"""Candidate search by the beginning of a word (recruiting.search): what it finds, that the
terms follow every write (the ORM, bulk SQL, erasure's UPDATE, deletion), and that Postgres
walks their index under the row-level security every tenant table forces."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from recruiting.models import Candidate, CandidateSearchTerm
from recruiting.search import candidate_search_q
from tenants.context import all_tenants_context, tenant_context
from tests import factories

pytestmark = pytest.mark.django_db


def _found(tenant, search: str) -> set[str]:
    with tenant_context(tenant):
        return {c.full_name for c in Candidate.objects.filter(candidate_search_q(search))}


@pytest.fixture
def people(tenant_a, tenant_b):
    factories.make_candidate(
        tenant=tenant_a, first_name="Grace", last_name="Hopper", email="g.hopper@navy.example"
    )
    factories.make_candidate(
        tenant=tenant_a, first_name="Alan", last_name="Turing", email="alan@bletchley.example"
    )
    factories.make_candidate(tenant=tenant_a, first_name="Émile", last_name="Borel", email="")
    factories.make_candidate(
        tenant=tenant_a, first_name="María José", last_name="García López", email=""
    )
    # Another tenant's Grace is never found from tenant A.
    factories.make_candidate(tenant=tenant_b, first_name="Grace", last_name="Kelly")


def test_each_word_begins_the_first_name_last_name_or_email(people, tenant_a):
    assert _found(tenant_a, "grace") == {"Grace Hopper"}
    assert _found(tenant_a, "HOP") == {"Grace Hopper"}
    assert _found(tenant_a, "g.hop") == {"Grace Hopper"}
    assert _found(tenant_a, "alan@bletchley.example") == {"Alan Turing"}
    assert _found(tenant_a, "Émi") == {"Émile Borel"}
    # Every word of a name counts, not only the first.
    assert _found(tenant_a, "lóp") == {"María José García López"}
    assert _found(tenant_a, "josé garc") == {"María José García López"}
    # Every word must match, each one anywhere among the three.
    assert _found(tenant_a, "grace hop") == {"Grace Hopper"}
    assert _found(tenant_a, "turing grace") == set()


def test_the_middle_of_a_word_is_not_a_match(people, tenant_a):
    assert _found(tenant_a, "opper") == set()
    assert _found(tenant_a, "navy") == set()


def test_characters_a_like_pattern_would_treat_as_wildcards_are_plain(people, tenant_a):
    assert _found(tenant_a, "%") == set()
    assert _found(tenant_a, "_race") == set()
    assert _found(tenant_a, "g.h") == {"Grace Hopper"}


def test_the_terms_follow_an_update_made_in_sql_as_erasure_makes_it(people, tenant_a):
    with all_tenants_context():
        Candidate.all_tenants.filter(first_name="Grace").update(
            first_name="Erased", last_name="Erased", email=""
        )
    assert _found(tenant_a, "grace") == set()
    assert _found(tenant_a, "hopper") == set()
    assert _found(tenant_a, "erased") == {"Erased Erased"}


def test_an_update_of_other_columns_keeps_the_terms(people, tenant_a):
    with all_tenants_context():
        before = set(CandidateSearchTerm.all_tenants.values_list("id", flat=True))
        Candidate.all_tenants.filter(first_name="Grace").update(phone="+1 555 0100")
        assert set(CandidateSearchTerm.all_tenants.values_list("id", flat=True)) == before


def test_a_bulk_insert_in_sql_and_a_deletion_keep_the_terms(tenant_a):
    with all_tenants_context(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO recruiting_candidate (id, tenant_id, created_at, updated_at,"
            " external_id, first_name, last_name, email, phone, location)"
            " SELECT gen_random_uuid(), %s, now(), now(), '', 'Bulk', 'Person ' || g,"
            " 'bulk' || g || '@example.com', '', '' FROM generate_series(1, 3) AS g",
            [str(tenant_a.pk)],
        )
    assert _found(tenant_a, "bulk person") == {"Bulk Person 1", "Bulk Person 2", "Bulk Person 3"}
    assert _found(tenant_a, "bulk2@") == {"Bulk Person 2"}
    with all_tenants_context():
        Candidate.all_tenants.filter(last_name="Person 2").delete()
        assert not CandidateSearchTerm.all_tenants.filter(term="bulk2@example.com").exists()
    assert _found(tenant_a, "bulk") == {"Bulk Person 1", "Bulk Person 3"}


def test_postgres_walks_the_term_index_under_row_level_security(people, tenant_a):
    """Were the operator not leakproof, the policy would be applied before it and the index
    could never answer it, whatever the table's size: among 3,000 other candidates, the plan
    shows the term in an index condition (with LIKE it is a filter over the tenant's rows)."""
    with all_tenants_context():
        Candidate.all_tenants.bulk_create(
            Candidate(
                tenant=tenant_a,
                first_name=f"Bulk{n}",
                last_name=f"Person{n}",
                email=f"bulk{n}@example.com",
            )
            for n in range(3000)
        )
    with tenant_context(tenant_a), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE recruiting_candidatesearchterm")
        queryset = CandidateSearchTerm.objects.filter(term__prefix="gra")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    conditions = [line for line in plan.splitlines() if "Index Cond" in line]
    assert any("term" in line for line in conditions), plan
