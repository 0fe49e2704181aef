"""The demo tenants: departments, job families, locations, people, requisitions, candidates."""

from __future__ import annotations

import functools
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from demo.approvals import seed_approvals
from demo.automation import seed_calendar
from demo.data import (
    API_CLIENT_NAME,
    APPLICATIONS_PER_TENANT,
    CANDIDATES_PER_TENANT,
    DEMO_PASSWORD,
    DEPARTMENTS,
    FIRST_NAMES,
    JOB_FAMILIES,
    LAST_NAMES,
    LOCATIONS,
    PEOPLE,
    REQUISITION_TYPES,
    REQUISITIONS_PER_TENANT,
    ROLES_OPEN,
    SHARED_USERNAME,
)
from demo.history import seed_milestones
from demo.outcomes import OPENED_DAYS_AGO, seed_finished_candidacies, settle_candidacies
from demo.result import SeedResult, bulk_missing
from recruiting.models import (
    Application,
    ApplicationSource,
    ApplicationStatus,
    Candidate,
    HireType,
    Requisition,
    RequisitionStatus,
)
from tenants.models import (
    ApiClient,
    ApiScope,
    Department,
    JobFamily,
    Location,
    Membership,
    RequisitionType,
    Role,
    Tenant,
)


@functools.cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def demo_user(username: str, *, is_staff: bool, result: SeedResult):
    """The demo login `username`, created once; a re-seed gives an existing one its name
    (demo databases seeded before the names had none) and staff status."""
    User = get_user_model()
    first_name, last_name = PEOPLE.get(username, ("", ""))
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            email=f"{username}@example.com",
            is_staff=is_staff,
            first_name=first_name,
            last_name=last_name,
        )
        user.password = demo_password_hash()  # hashing once keeps the seed fast
        user.save()
        result.count("users", 1)
        return user
    changed = []
    if is_staff and not user.is_staff:
        user.is_staff = True
        changed.append("is_staff")
    if not (user.first_name or user.last_name) and (first_name or last_name):
        user.first_name, user.last_name = first_name, last_name
        changed += ["first_name", "last_name"]
    if changed:
        user.save(update_fields=changed)
    return user


def seed_tenant(tenant: Tenant, result: SeedResult) -> None:
    rng = random.Random(tenant.slug)  # same demo data on every machine
    history_rng = random.Random(f"{tenant.slug}-history")  # leaves `rng`'s draws as they were
    now = timezone.now()

    depth = {}
    for code, _name, parent in DEPARTMENTS:
        depth[code] = 0 if parent is None else depth[parent] + 1
    departments: dict = {}
    for level in range(3):  # parents first, so each level can point at the one above
        rows = [
            Department(tenant=tenant, code=code, name=name, parent=departments.get(parent))
            for code, name, parent in DEPARTMENTS
            if depth[code] == level
        ]
        departments.update(bulk_missing(Department, rows, "code", result))
    families = bulk_missing(
        JobFamily,
        [JobFamily(tenant=tenant, code=c, name=n) for c, n in JOB_FAMILIES],
        "code",
        result,
    )
    locations = bulk_missing(
        Location,
        [Location(tenant=tenant, code=c, name=n, country=k, region=r) for c, n, k, r in LOCATIONS],
        "code",
        result,
    )
    req_types = bulk_missing(
        RequisitionType,
        [
            RequisitionType(
                tenant=tenant, code=c, name=n, flsa_status=f, is_technical=t, is_executive=e
            )
            for c, n, f, t, e in REQUISITION_TYPES
        ],
        "code",
        result,
    )

    users = {}
    for role in Role.values:
        username = f"{tenant.slug}-{role.replace('_', '-')}"
        users[role] = demo_user(username, is_staff=role == Role.ADMIN, result=result)
        result.logins.append((username, tenant.name, role))
    shared = demo_user(SHARED_USERNAME, is_staff=False, result=result)
    result.logins.append((SHARED_USERNAME, tenant.name, Role.RECRUITER))
    members = [Membership(tenant=tenant, user=u, role=r) for r, u in users.items()]
    members.append(Membership(tenant=tenant, user=shared, role=Role.RECRUITER))
    bulk_missing(Membership, members, "user_id", result)

    # The last six were filled over the past half year; the others are still hiring.
    statuses = (
        [RequisitionStatus.OPEN] * 10
        + [RequisitionStatus.ON_HOLD, RequisitionStatus.DRAFT] * 2
        + [RequisitionStatus.FILLED] * 6
    )
    requisitions = bulk_missing(
        Requisition,
        [
            Requisition(
                tenant=tenant,
                external_id=f"REQ-{i:04d}",
                title=title,
                department=departments[dept],
                job_family=families[family],
                location=locations[LOCATIONS[i % len(LOCATIONS)][0]],
                requisition_type=req_types[rtype],
                # The consultant recruits for every third, so reports compare recruiters.
                recruiter=shared if i % 3 == 0 else users[Role.RECRUITER],
                hiring_manager=users[Role.HIRING_MANAGER],
                openings=rng.randint(1, 3),
                status=statuses[i - 1],
                opened_at=now - timedelta(days=rng.randint(*OPENED_DAYS_AGO[statuses[i - 1]])),
            )
            for i in range(1, REQUISITIONS_PER_TENANT + 1)
            for title, dept, family, rtype in [ROLES_OPEN[i % len(ROLES_OPEN)]]
        ],
        "external_id",
        result,
    )
    candidates = bulk_missing(
        Candidate,
        [
            Candidate(
                tenant=tenant,
                external_id=f"CAND-{i:05d}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"candidate{i}@{tenant.slug}.example",
                location=rng.choice(LOCATIONS)[1],
            )
            for i in range(1, CANDIDATES_PER_TENANT + 1)
        ],
        "external_id",
        result,
    )
    sources = rng.choices(list(ApplicationSource.values), weights=[6, 2, 1, 1], k=600)
    hire_types = rng.choices(list(HireType.values), weights=[8, 2, 1], k=600)
    app_statuses = rng.choices(list(ApplicationStatus.values), weights=[7, 1, 3, 1], k=600)
    req_list = [requisitions[f"REQ-{i:04d}"] for i in range(1, REQUISITIONS_PER_TENANT + 1)]
    bulk_missing(
        Application,
        settle_candidacies(
            [
                Application(
                    tenant=tenant,
                    external_id=f"APP-{i:05d}",
                    candidate=candidates[f"CAND-{i:05d}"],
                    requisition=req_list[i % len(req_list)],
                    source=sources[i],
                    hire_type=hire_types[i],
                    status=app_statuses[i],
                    reject_reason="Not a fit"
                    if app_statuses[i] == ApplicationStatus.REJECTED
                    else "",
                    applied_at=now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23)),
                )
                for i in range(1, APPLICATIONS_PER_TENANT + 1)
            ],
            now=now,
            rng=history_rng,
        ),
        "external_id",
        result,
    )

    seed_calendar(tenant, now, result)
    version = seed_milestones(tenant, req_types, rng, now, result)
    seed_finished_candidacies(tenant, version, history_rng, now, result)
    seed_approvals(tenant, users, result)

    if not ApiClient.objects.filter(name=API_CLIENT_NAME).exists():
        client = ApiClient(tenant=tenant, name=API_CLIENT_NAME, scopes=list(ApiScope.values))
        result.new_tokens[tenant.slug] = client.set_new_token()
        client.save()
        result.count("api clients", 1)
