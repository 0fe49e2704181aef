"""Candidate search by the beginning of a word, the way the people search of the anchor
products reads what a recruiter types: "hop" finds Grace Hopper, "grace h" finds her,
"lóp" finds María García López, "opper" finds nobody.

Every word of a candidate's first and last name, and their email, is a row of
CandidateSearchTerm, lower-cased, in the "C" collation, under an index that leads with the
tenant; Postgres keeps the rows itself (triggers, migration 0009). The lookup `prefix`
compares a term with `^@` (starts_with). Under the row-level security every tenant table
forces, Postgres applies a condition before the policy only when its operator is
leakproof: `^@` is, so a search walks the index at any size, while `LIKE`, `ILIKE` and the
trigram operators are not, so they would scan every row of the tenant (measured at
100,000 candidates: a 484 ms board search; docs/benchmarks.md)."""

from __future__ import annotations

from django.db.models import Q

from recruiting.models import CandidateSearchTerm

#: Words of a search that count; more are ignored.
MAX_WORDS = 5


def candidate_search_q(search: str, *, candidate_ref: str = "pk") -> Q:
    """Every word of `search` begins a word of the candidate's name or their email, as a Q
    over a model whose `candidate_ref` names the candidate (tenant in context)."""
    query = Q()
    for word in search.split()[:MAX_WORDS]:
        matching = CandidateSearchTerm.objects.filter(term__prefix=word).values("candidate_id")
        query &= Q(**{f"{candidate_ref}__in": matching})
    return query
