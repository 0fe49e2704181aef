"""Seeding for benchmarks: a handful of ORM rows for configuration, then set-based SQL clones.

Run inside a process whose DATABASE_URL points at the bench database (Django is set up here).
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Seeded:
    tenant_id: str
    token: str
    version: int  # every seeded application's version (its ETag) before any move
    application_ids: list[str]
    milestones: int


MILESTONES = (
    "APPLIED",
    "SCREEN",
    "PHONE_SCREEN",
    "ASSESSMENT",
    "INTERVIEW",
    "REFERENCES",
    "OFFER",
    "HIRED",
)
REQUISITIONS = 20


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DATABASE_POOL"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ats_milestones.settings.local")
    import django

    django.setup()


def _clone_sql(model, overrides: dict[str, str], source: str) -> str:
    """INSERT ... SELECT that copies `source` rows (alias t) with some columns overridden."""
    columns = [f.column for f in model._meta.concrete_fields]
    select = [overrides.get(c, f"t.{c}") for c in columns]
    return (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(select)} FROM {source}"
    )


def template_application(
    *, tenant, requisition_type, department, version, count: int = REQUISITIONS, **staff
):
    """`count` requisitions on `version` (with `staff`: recruiter, hiring_manager) and one
    template application with its milestones (initialised by the service, in the tenant's
    context), for set-based SQL to clone. Returns (candidate, template, requisitions)."""
    from django.db import transaction

    from milestones.services.transitions.initialize import application_milestones_initialize
    from recruiting.models import Application, Candidate, Requisition
    from tenants.context import all_tenants_context, tenant_context

    with all_tenants_context(), transaction.atomic():
        requisitions = [
            Requisition.all_tenants.create(
                tenant=tenant,
                title=f"Engineer {n}",
                requisition_type=requisition_type,
                department=department,
                framework_version=version,
                **staff,
            )
            for n in range(count)
        ]
        candidate = Candidate.all_tenants.create(
            tenant=tenant, first_name="Template", last_name="Candidate"
        )
        template = Application.all_tenants.create(
            tenant=tenant, candidate=candidate, requisition=requisitions[0]
        )
    with tenant_context(tenant), transaction.atomic():
        application_milestones_initialize(application_id=template.pk)
    return candidate, template, requisitions


def seed_found(*, applications: int) -> Seeded:
    """The `Seeded` of a database `seed(applications=...)` filled earlier and copied since:
    the same tenant and applications (never moved), with a new API token."""
    from django.db import connection

    from recruiting.models import Application
    from tenants.context import all_tenants_context
    from tenants.models import ApiClient, Tenant

    tenant = Tenant.objects.get(slug="bench")
    with all_tenants_context():
        client = ApiClient.all_tenants.get(tenant=tenant, name="bench")
        token = client.set_new_token()
        client.save()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT md5('bench-app-' || g)::uuid::text"
                f" FROM generate_series(1, {int(applications)}) AS g ORDER BY random()"
            )
            ids = [row[0] for row in cursor.fetchall()]
        version = Application.all_tenants.get(pk=ids[0]).version
    return Seeded(
        tenant_id=str(tenant.pk),
        token=token,
        version=version,
        application_ids=ids,
        milestones=len(MILESTONES),
    )


def seed(*, applications: int) -> Seeded:
    from django.db import connection, transaction

    from milestones.models import (
        ApplicationMilestone,
        Framework,
        FrameworkRequisitionType,
        FrameworkVersion,
        MilestoneDefinition,
        MilestoneTransition,
        TerminalKind,
        VersionStatus,
    )
    from recruiting.models import Application, Candidate
    from tenants.context import all_tenants_context
    from tenants.models import ApiClient, ApiScope, Department, RequisitionType, Tenant

    tenant = Tenant.objects.create(slug="bench", name="Bench Corp")
    with all_tenants_context(), transaction.atomic():
        client = ApiClient(tenant=tenant, name="bench", scopes=list(ApiScope.values))
        token = client.set_new_token()
        client.save()
        rtype = RequisitionType.all_tenants.create(tenant=tenant, code="ENG", name="Engineering")
        department = Department.all_tenants.create(tenant=tenant, code="D1", name="R&D")
        framework = Framework.all_tenants.create(tenant=tenant, name="Standard hiring")
        FrameworkRequisitionType.all_tenants.create(
            tenant=tenant, framework=framework, requisition_type=rtype
        )
        version = FrameworkVersion.all_tenants.create(
            tenant=tenant, framework=framework, number=1, status=VersionStatus.ACTIVE
        )
        for order, code in enumerate(MILESTONES, start=1):
            MilestoneDefinition.all_tenants.create(
                tenant=tenant,
                version=version,
                code=code,
                name=code.replace("_", " ").title(),
                order=order,
                mandatory=False,
                terminal_kind=TerminalKind.HIRED if code == "HIRED" else TerminalKind.NONE,
            )
    candidate, template, requisitions = template_application(
        tenant=tenant, requisition_type=rtype, department=department, version=version
    )
    with all_tenants_context():
        template = Application.all_tenants.get(pk=template.pk)

    app_id = "md5('bench-app-' || g)::uuid"
    req_array = "ARRAY[" + ",".join(f"'{r.pk}'::uuid" for r in requisitions) + "]"
    requisition_of_g = f"({req_array})[1 + g % {REQUISITIONS}]"
    series = f"generate_series(1, {applications}) AS g"
    with all_tenants_context(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _clone_sql(
                Candidate,
                {
                    "id": "md5('bench-cand-' || g)::uuid",
                    "first_name": "'Bench'",
                    "last_name": "'Candidate ' || g",
                    "email": "'bench' || g || '@example.com'",
                },
                f"{Candidate._meta.db_table} t, {series} WHERE t.id = '{candidate.pk}'",
            )
        )
        cursor.execute(
            _clone_sql(
                Application,
                {
                    "id": app_id,
                    "candidate_id": "md5('bench-cand-' || g)::uuid",
                    "requisition_id": requisition_of_g,
                    "applied_at": "t.applied_at - g * interval '1 second'",
                },
                f"{Application._meta.db_table} t, {series} WHERE t.id = '{template.pk}'",
            )
        )
        for model, prefix in ((ApplicationMilestone, "am"), (MilestoneTransition, "tr")):
            cursor.execute(
                _clone_sql(
                    model,
                    {
                        "id": f"md5('bench-{prefix}-' || g || '-' || t.id)::uuid",
                        "application_id": app_id,
                        # a milestone row names its application's requisition
                        **(
                            {"requisition_id": requisition_of_g}
                            if model is ApplicationMilestone
                            else {}
                        ),
                    },
                    f"{model._meta.db_table} t, {series} WHERE t.application_id = '{template.pk}'",
                )
            )
        cursor.execute(f"SELECT {app_id}::text FROM {series} ORDER BY random()")
        ids = [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        # VACUUM too: otherwise autovacuum takes up the bulk-inserted tables (insert
        # threshold) during the first measured run, which then measures both.
        for model in (Candidate, Application, ApplicationMilestone, MilestoneTransition):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        cursor.execute("ANALYZE")
    return Seeded(
        tenant_id=str(tenant.pk),
        token=token,
        version=template.version,
        application_ids=ids,
        milestones=len(MILESTONES),
    )
