"""Demo data for `make run`: two tenants with enough hiring activity to click through.

Dev only. Every row has a stable natural key (slug, code, external_id, username), so a
second run finds what the first one wrote and creates nothing new. Rows are written
with bulk_create inside each tenant's context, so row-level security checks them too.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from recruiting.models import (
    Application,
    ApplicationSource,
    ApplicationStatus,
    Candidate,
    HireType,
    Requisition,
    RequisitionStatus,
)
from tenants.context import tenant_context
from tenants.models import (
    ApiClient,
    ApiScope,
    Department,
    FlsaStatus,
    JobFamily,
    Location,
    Membership,
    RequisitionType,
    Role,
    Tenant,
)

DEMO_PASSWORD = "demo-pass-2026"
SHARED_USERNAME = "consultant"  # a recruiter who works for both tenants
API_CLIENT_NAME = "Demo HRIS"
REQUISITIONS_PER_TENANT = 20
CANDIDATES_PER_TENANT = 500
APPLICATIONS_PER_TENANT = 500

TENANTS = [("acme", "Acme Corp"), ("globex", "Globex Inc")]

# (code, name, parent code): three levels, root -> divisions -> teams.
DEPARTMENTS = [
    ("ROOT", "Company", None),
    ("ENG", "Engineering", "ROOT"),
    ("OPS", "Operations", "ROOT"),
    ("CORP", "Corporate", "ROOT"),
    ("ENG-PLAT", "Platform", "ENG"),
    ("ENG-DATA", "Data", "ENG"),
    ("OPS-WH", "Warehouse", "OPS"),
    ("OPS-SUP", "Customer Support", "OPS"),
    ("CORP-FIN", "Finance", "CORP"),
    ("CORP-PPL", "People", "CORP"),
]
JOB_FAMILIES = [
    ("SWE", "Software Engineering"),
    ("LOG", "Logistics"),
    ("SUP", "Support"),
    ("FIN", "Finance"),
    ("EXEC", "Executive Leadership"),
]
# (code, name, country, region): the jurisdiction decides which compliance rules apply.
LOCATIONS = [
    ("US-CA-SF", "San Francisco", "US", "CA"),
    ("US-NY-NYC", "New York", "US", "NY"),
    ("US-TX-AUS", "Austin", "US", "TX"),
    ("GB-LON", "London", "GB", "England"),
    ("DE-BER", "Berlin", "DE", "Berlin"),
]
# (code, name, flsa, technical, executive)
REQUISITION_TYPES = [
    ("EXEMPT-TECH", "Exempt technical", FlsaStatus.EXEMPT, True, False),
    ("HOURLY", "Non-exempt hourly", FlsaStatus.NON_EXEMPT, False, False),
    ("EXEC", "Executive", FlsaStatus.EXEMPT, False, True),
    ("EXEMPT-BIZ", "Exempt business", FlsaStatus.EXEMPT, False, False),
]
# (title, department, job family, requisition type)
ROLES_OPEN = [
    ("Backend Engineer", "ENG-PLAT", "SWE", "EXEMPT-TECH"),
    ("Data Engineer", "ENG-DATA", "SWE", "EXEMPT-TECH"),
    ("Warehouse Associate", "OPS-WH", "LOG", "HOURLY"),
    ("Support Specialist", "OPS-SUP", "SUP", "HOURLY"),
    ("Financial Analyst", "CORP-FIN", "FIN", "EXEMPT-BIZ"),
    ("VP Engineering", "ENG", "EXEC", "EXEC"),
    ("People Partner", "CORP-PPL", "FIN", "EXEMPT-BIZ"),
]
FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken"]
LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton"]


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, tenant, role
    new_tokens: dict[str, str] = field(default_factory=dict)  # tenant slug -> plain token

    def count(self, label: str, n: int) -> None:
        self.created[label] = self.created.get(label, 0) + n

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def _bulk_missing(model, rows: list, key: str, result: SeedResult) -> dict:
    """Insert the rows whose natural key is not there yet; return every row by key."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    missing = [row for row in rows if getattr(row, key) not in existing]
    model.objects.bulk_create(missing)
    result.count(model._meta.verbose_name_plural, len(missing))
    existing.update({getattr(obj, key): obj for obj in missing})
    return existing


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def _user(username: str, *, is_staff: bool, result: SeedResult):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@example.com", is_staff=is_staff)
        user.password = _demo_password_hash()  # hashing once keeps the seed fast
        user.save()
        result.count("users", 1)
    elif is_staff and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def _seed_tenant(tenant: Tenant, result: SeedResult) -> None:
    rng = random.Random(tenant.slug)  # same demo data on every machine
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
        departments.update(_bulk_missing(Department, rows, "code", result))
    families = _bulk_missing(
        JobFamily,
        [JobFamily(tenant=tenant, code=c, name=n) for c, n in JOB_FAMILIES],
        "code",
        result,
    )
    locations = _bulk_missing(
        Location,
        [Location(tenant=tenant, code=c, name=n, country=k, region=r) for c, n, k, r in LOCATIONS],
        "code",
        result,
    )
    req_types = _bulk_missing(
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
        users[role] = _user(username, is_staff=role == Role.ADMIN, result=result)
        result.logins.append((username, tenant.name, role))
    shared = _user(SHARED_USERNAME, is_staff=False, result=result)
    result.logins.append((SHARED_USERNAME, tenant.name, Role.RECRUITER))
    members = [Membership(tenant=tenant, user=u, role=r) for r, u in users.items()]
    members.append(Membership(tenant=tenant, user=shared, role=Role.RECRUITER))
    _bulk_missing(Membership, members, "user_id", result)

    statuses = [RequisitionStatus.OPEN] * 14 + [
        RequisitionStatus.ON_HOLD,
        RequisitionStatus.DRAFT,
        RequisitionStatus.FILLED,
    ] * 2
    requisitions = _bulk_missing(
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
                recruiter=users[Role.RECRUITER],
                hiring_manager=users[Role.HIRING_MANAGER],
                openings=rng.randint(1, 3),
                status=statuses[i - 1],
                opened_at=now - timedelta(days=rng.randint(5, 90)),
            )
            for i in range(1, REQUISITIONS_PER_TENANT + 1)
            for title, dept, family, rtype in [ROLES_OPEN[i % len(ROLES_OPEN)]]
        ],
        "external_id",
        result,
    )
    candidates = _bulk_missing(
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
    _bulk_missing(
        Application,
        [
            Application(
                tenant=tenant,
                external_id=f"APP-{i:05d}",
                candidate=candidates[f"CAND-{i:05d}"],
                requisition=req_list[i % len(req_list)],
                source=sources[i],
                hire_type=hire_types[i],
                status=app_statuses[i],
                reject_reason="Not a fit" if app_statuses[i] == ApplicationStatus.REJECTED else "",
                applied_at=now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23)),
            )
            for i in range(1, APPLICATIONS_PER_TENANT + 1)
        ],
        "external_id",
        result,
    )

    if not ApiClient.objects.filter(name=API_CLIENT_NAME).exists():
        client = ApiClient(tenant=tenant, name=API_CLIENT_NAME, scopes=list(ApiScope.values))
        result.new_tokens[tenant.slug] = client.set_new_token()
        client.save()
        result.count("api clients", 1)


@transaction.atomic
def demo_seed() -> SeedResult:
    """Create the demo tenants and their data; rows that exist already are left alone."""
    result = SeedResult()
    for slug, name in TENANTS:
        tenant, created = Tenant.objects.get_or_create(slug=slug, defaults={"name": name})
        result.count("tenants", int(created))
        with tenant_context(tenant):
            _seed_tenant(tenant, result)
    return result
