"""The history bench.reports measures over, seeded set-based (generate_series) or, with
`--keep-seed`, copied from the one an earlier run of the same size kept.

One tenant: `applications` applications over 200 requisitions in 10 departments, each with
10 transitions through 8 milestones over two years, one regression each, two in five hired,
one in five rejected, the rest still open; and their stays (the read model as the moves
leave it). A kept history is its own database ({prefix}_bench_reports_seeded_<size>),
migrated like the template before each copy; its times are those of the day it was seeded.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from . import harness
from .harness import say

DEPARTMENTS, REQUISITIONS, RECRUITERS = 10, 200, 8
TRANSITIONS = 10  # per application
CHUNK = 100_000  # applications per INSERT, for progress

# The milestones each application goes through, by position (1-based into the version's
# eight), one transition each: APPLIED .. INTERVIEW, back to ASSESSMENT, on to OFFER, then
# the last one: hired or rejected (no milestone), or into HIRED and still open.
_PATH = "ARRAY[1, 2, 3, 4, 5, 4, 5, 6, 7, 8]"
_KIND = (
    "CASE WHEN k = 0 THEN 'initialize' WHEN k = 5 THEN 'regression'"
    " WHEN k = 9 AND mod(g, 5) = 2 THEN 'reject' ELSE 'advance' END"
)
_FINISHED = "(mod(g, 5) IN (0, 1, 2))"  # hired (0, 1) or rejected (2)
_CAUSE = "CASE WHEN k IN (1, 2) AND mod(g, 3) = 0 THEN 'trigger' ELSE 'manual' END"


def _at(k: str) -> str:
    """Transition k of application g: two days apart, jittered (always later than k-1)."""
    return (
        f"(%(start)s::timestamptz + g * %(spread)s * interval '1 second'"
        f" + ({k}) * interval '2 days'"
        f" + mod(abs(hashint8((g * 16 + ({k}))::bigint)::bigint), 172800) * interval '1 second')"
    )


def _milestone(k: str) -> str:
    return f"(%(milestones)s::uuid[])[({_PATH})[({k}) + 1]]"


def seed_history(*, tenant_id: str, applications: int, offset: int) -> None:
    """`applications` more applications with their transitions and stays, set-based."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from milestones.models import FrameworkVersion, MilestoneDefinition
    from recruiting.models import Requisition
    from tenants.context import all_tenants_context
    from tenants.models import Department, RequisitionType

    now = datetime.now(UTC)
    start = now - timedelta(days=750)
    with all_tenants_context(), transaction.atomic():
        version = FrameworkVersion.all_tenants.get(tenant_id=tenant_id)
        milestones = [
            str(pk)
            for pk in MilestoneDefinition.all_tenants.filter(version=version)
            .order_by("order")
            .values_list("pk", flat=True)
        ]
        rtype = RequisitionType.all_tenants.get(tenant_id=tenant_id)
        departments = [
            Department.all_tenants.create(tenant_id=tenant_id, code=f"H{n}", name=f"Team {n}")
            for n in range(DEPARTMENTS)
        ]
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"reports-recruiter-{n}") for n in range(RECRUITERS)]
        )
        requisitions = Requisition.all_tenants.bulk_create(
            [
                Requisition(
                    tenant_id=tenant_id,
                    title=f"History role {n}",
                    requisition_type=rtype,
                    department=departments[n % DEPARTMENTS],
                    recruiter=users[n % RECRUITERS],
                    framework_version=version,
                    openings=1 + n % 3,
                    opened_at=start + timedelta(days=n * 3),
                )
                for n in range(REQUISITIONS)
            ]
        )
    params = {
        "tenant": tenant_id,
        "start": start,
        "spread": 730 * 86400 / applications,
        "milestones": milestones,
        "requisitions": [str(r.pk) for r in requisitions],
        "n": REQUISITIONS,
    }
    requisition_of_g = "(%(requisitions)s::uuid[])[1 + mod(g, %(n)s)]"
    application_of_g = "md5('history-app-' || g)::uuid"
    for first in range(offset + 1, offset + applications + 1, CHUNK):
        last = min(first + CHUNK - 1, offset + applications)
        series = f"generate_series({first}, {last}) AS g"
        steps = f"{series} CROSS JOIN generate_series(0, {TRANSITIONS - 1}) AS k"
        with all_tenants_context(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO recruiting_candidate (id, tenant_id, created_at, updated_at,"
                " external_id, first_name, last_name, email, phone, location)"
                " SELECT md5('history-cand-' || g)::uuid, %(tenant)s, %(start)s, %(start)s, '',"
                f" 'History', 'Candidate ' || g, 'h' || g || '@example.com', '', '' FROM {series}",
                params,
            )
            cursor.execute(
                "INSERT INTO recruiting_application (id, created_at, updated_at, tenant_id,"
                " candidate_id, requisition_id, external_id, source, hire_type, status,"
                " reject_reason, applied_at, current_milestone_id, version)"
                f" SELECT {application_of_g}, {_at('0')}, {_at('9')}, %(tenant)s,"
                f" md5('history-cand-' || g)::uuid, {requisition_of_g}, '', 'external',"
                " 'standard', CASE mod(g, 5) WHEN 2 THEN 'rejected' WHEN 0 THEN 'hired'"
                " WHEN 1 THEN 'hired' ELSE 'active' END, '', " + _at("0") + ","
                f" CASE WHEN {_FINISHED} THEN NULL ELSE {_milestone('9')} END, {TRANSITIONS}"
                f" FROM {series}",
                params,
            )
            cursor.execute(
                "INSERT INTO milestones_milestonetransition (id, created_at, updated_at,"
                " tenant_id, application_id, from_milestone_id, to_milestone_id, kind, cause,"
                " actor_user_id, actor_api_client_id, actor_role, reason, at,"
                " application_version)"
                f" SELECT md5('history-tr-' || g || '-' || k)::uuid, {_at('k')}, {_at('k')},"
                f" %(tenant)s, {application_of_g},"
                f" CASE WHEN k = 0 THEN NULL ELSE {_milestone('k - 1')} END,"
                f" CASE WHEN k = 9 AND {_FINISHED} THEN NULL ELSE {_milestone('k')} END,"
                f" {_KIND}, {_CAUSE}, NULL, NULL, '', '', {_at('k')}, k + 1 FROM {steps}",
                params,
            )
            cursor.execute(
                "INSERT INTO reporting_milestonestay (id, tenant_id, created_at, updated_at,"
                " application_id, milestone_id, requisition_id, department_id, recruiter_id,"
                " job_family_id, requisition_type_id, framework_version_id, entered_at,"
                " left_at, ended, calendar_seconds, business_seconds, reverted, entered_cause,"
                " entered_transition_id, left_transition_id)"
                f" SELECT md5('history-stay-' || g || '-' || k)::uuid, %(tenant)s, {_at('k')},"
                f" {_at('k')}, {application_of_g}, {_milestone('k')}, r.id, r.department_id,"
                " r.recruiter_id, r.job_family_id, r.requisition_type_id,"
                f" r.framework_version_id, {_at('k')},"
                f" CASE WHEN k < 9 THEN {_at('k + 1')} END,"
                " CASE WHEN k = 9 THEN '' WHEN k = 4 THEN 'regressed'"
                " WHEN k = 8 AND mod(g, 5) = 2 THEN 'rejected'"
                " WHEN k = 8 AND mod(g, 5) IN (0, 1) THEN 'hired' ELSE 'advanced' END,"
                f" CASE WHEN k < 9 THEN extract(epoch FROM {_at('k + 1')} - {_at('k')}) END,"
                # Business time of bench data: about a quarter of calendar time (its
                # values do not change what the report costs).
                f" CASE WHEN k < 9 THEN extract(epoch FROM {_at('k + 1')} - {_at('k')}) / 4"
                f" END, false, {_CAUSE}, md5('history-tr-' || g || '-' || k)::uuid,"
                " CASE WHEN k < 9 THEN md5('history-tr-' || g || '-' || (k + 1))::uuid END"
                f" FROM {steps} JOIN recruiting_requisition r ON r.id = {requisition_of_g}"
                f" WHERE k < 9 OR NOT {_FINISHED}",
                params,
            )
        say(f"seeded applications {first:,}..{last:,} ({last * TRANSITIONS:,} transitions)")


def history(
    base_url: str, *, bench_db: str, template_db: str, applications: int, moves: int, keep: bool
):
    """The bench database with the history and `moves` fresh applications for the lag run:
    (its URL, the bench.seed `Seeded`, seconds spent seeding or copying). Django is set up
    on it. With `keep`, a history kept by an earlier run of this size is copied instead of
    seeded, and a seeded one is kept for the next."""
    from .seed import seed, seed_found, setup_django

    kept_db = f"{bench_db}_seeded_{applications}"
    t0 = time.monotonic()
    if keep and harness.database_exists(base_url, kept_db):
        harness.migrated_template(base_url, kept_db)
        say(f"copying the history kept in {kept_db}")
        bench_url = harness.recreate_database(base_url, bench_db, template=kept_db)
        setup_django(bench_url)
        seeded = seed_found(applications=moves)
        say(f"copied {applications:,} applications in {time.monotonic() - t0:.0f}s")
        return bench_url, seeded, time.monotonic() - t0
    harness.migrated_template(base_url, template_db)
    bench_url = harness.recreate_database(base_url, bench_db, template=template_db)
    setup_django(bench_url)
    seeded = seed(applications=moves)  # the applications the lag run moves
    seed_history(tenant_id=seeded.tenant_id, applications=applications, offset=0)
    from django.db import connection, connections

    tables = ("recruiting_candidate", "recruiting_application", "reporting_milestonestay")
    with connection.cursor() as cursor:
        for table in (*tables, "milestones_milestonetransition"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    connections.close_all()
    seed_s = time.monotonic() - t0
    say(
        f"seeded {applications:,} applications, {applications * TRANSITIONS:,} transitions"
        f" in {seed_s:.0f}s"
    )
    if keep:
        say(f"keeping the history in {kept_db}")
        harness.recreate_database(base_url, kept_db, template=bench_db)
    return bench_url, seeded, seed_s
