"""Demo data for `make run`: two tenants with enough hiring activity to click through.

Dev only. Every row has a stable natural key (slug, code, external_id, username), so a
second run finds what the first one wrote and creates nothing new. Rows are written
with bulk_create inside each tenant's context, so row-level security checks them too.
The automation of the demo framework goes through the design services instead
(recruiting/demo_automation.py), so it is validated like an admin's.
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

from audit.models import AuditEvent
from audit.services import AUDIT_OBJECT_APPLICATION
from milestones.models import (
    ApplicationMilestone,
    Framework,
    FrameworkRequisitionType,
    FrameworkVersion,
    MilestoneDefinition,
    MilestoneKind,
    MilestoneState,
    MilestoneTransition,
    TerminalKind,
    TransitionCause,
    TransitionKind,
    VersionStatus,
)
from milestones.services.transitions.initialize import AUDIT_INITIALIZED
from milestones.services.transitions.moves import AUDIT_TRANSITIONED
from milestones.services.versions.lifecycle import framework_version_publish
from recruiting.demo_automation import seed_automation, seed_automation_activity, seed_calendar
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
FRAMEWORK_NAME = "Standard hiring"
# (code, name, kind, extra fields): one published version for every requisition type.
MILESTONES = [
    (
        "APPLICATION_REVIEW",
        "Application review",
        MilestoneKind.ACTION_TRIGGERED,
        {"sla": timedelta(days=5)},
    ),
    ("PHONE_SCREEN", "Phone screen", MilestoneKind.ACTION_TRIGGERED, {"mandatory": False}),
    ("ASSESSMENT", "Assessment", MilestoneKind.TIME_BASED, {"sla": timedelta(hours=72)}),
    (
        "INTERVIEW_PANEL",
        "Interview panel",
        MilestoneKind.STAGE_GATED,
        {
            "gate_conditions": [{"type": "milestone_completed", "code": "ASSESSMENT"}],
            "sla": timedelta(days=10),
        },
    ),
    (
        "BACKGROUND_CHECK",
        "Background check",
        MilestoneKind.ACTION_TRIGGERED,
        {
            "bypass_hire_types": ["executive", "urgent"],
            "bypass_approver_roles": ["hrbp", "admin"],
            "compliance_tags": ["background_check"],
            "sla": timedelta(days=7),
        },
    ),
    ("OFFER", "Offer", MilestoneKind.ACTION_TRIGGERED, {"hris_status": "OFFER_EXTENDED"}),
    (
        "HIRED",
        "Hired",
        MilestoneKind.ACTION_TRIGGERED,
        {"terminal_kind": TerminalKind.HIRED, "hris_status": "HIRED"},
    ),
]
# How many active applications stand on each milestone but the terminal one, relatively.
CURRENT_MILESTONE_WEIGHTS = [30, 22, 16, 14, 10, 8]
FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken"]
LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton"]


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, tenant, role
    new_tokens: dict[str, str] = field(default_factory=dict)  # tenant slug -> plain token
    notes: list[str] = field(default_factory=list)

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

    seed_calendar(tenant, now, result)
    _seed_milestones(tenant, req_types, rng, now, result)

    if not ApiClient.objects.filter(name=API_CLIENT_NAME).exists():
        client = ApiClient(tenant=tenant, name=API_CLIENT_NAME, scopes=list(ApiScope.values))
        result.new_tokens[tenant.slug] = client.set_new_token()
        client.save()
        result.count("api clients", 1)


def _seed_framework(tenant: Tenant, req_types: dict, result: SeedResult) -> FrameworkVersion:
    """One framework for every requisition type, with one active version of MILESTONES."""
    framework = _bulk_missing(
        Framework, [Framework(tenant=tenant, name=FRAMEWORK_NAME)], "name", result
    )[FRAMEWORK_NAME]
    _bulk_missing(
        FrameworkRequisitionType,
        [
            FrameworkRequisitionType(tenant=tenant, framework=framework, requisition_type=rtype)
            for rtype in req_types.values()
        ],
        "requisition_type_id",
        result,
    )
    version = FrameworkVersion.objects.filter(framework=framework, number=1).first()
    if version is None:
        # A draft first: automation can only be designed on a draft, then it is published.
        version = FrameworkVersion.objects.create(
            tenant=tenant, framework=framework, number=1, status=VersionStatus.DRAFT
        )
        result.count("framework versions", 1)
    existing = set(version.milestones.values_list("code", flat=True))
    missing = [
        MilestoneDefinition(
            tenant=tenant, version=version, code=code, name=name, kind=kind, order=order, **extra
        )
        for order, (code, name, kind, extra) in enumerate(MILESTONES, start=1)
        if code not in existing
    ]
    MilestoneDefinition.objects.bulk_create(missing)
    result.count("milestone definitions", len(missing))
    if version.status == VersionStatus.DRAFT:
        seed_automation(version, result)
        version = framework_version_publish(version=version)
    elif not version.automation_rules.exists():
        result.notes.append(
            f"{tenant.name}: the demo framework was published before the demo had automation "
            "and a published version cannot change; reset the database to see it"
        )
    return version


def _seed_milestones(tenant: Tenant, req_types: dict, rng, now, result: SeedResult) -> None:
    """Pin every requisition to the demo version and give each active application that has
    no progress yet a history: earlier milestones done, one active (some past their SLA).

    Rows are written in bulk, not through application_transition, to keep the seed fast;
    the transitions say so with the `import` cause.
    """
    version = _seed_framework(tenant, req_types, result)
    pinned = Requisition.objects.filter(framework_version__isnull=True).update(
        framework_version=version
    )
    result.count("requisitions pinned", pinned)
    definitions = list(version.milestones.order_by("order"))
    applications = list(
        Application.objects.filter(
            status=ApplicationStatus.ACTIVE, requisition__framework_version=version
        )
        .exclude(milestones__isnull=False)
        .order_by("external_id")
    )
    rows, transitions = [], []
    for application in applications:
        current = rng.choices(
            range(len(CURRENT_MILESTONE_WEIGHTS)), weights=CURRENT_MILESTONE_WEIGHTS
        )[0]
        span = (now - application.applied_at).total_seconds()
        # When each milestone up to the current one was entered, oldest first.
        entered = sorted(
            application.applied_at + timedelta(seconds=rng.uniform(0, span)) for _ in range(current)
        )
        entered = [application.applied_at, *entered]
        application.version += 1
        transitions.append(
            MilestoneTransition(
                tenant=tenant,
                application=application,
                to_milestone=definitions[0],
                kind=TransitionKind.INITIALIZE,
                cause=TransitionCause.IMPORT,
                at=entered[0],
                application_version=application.version,
            )
        )
        for index, definition in enumerate(definitions):
            row = ApplicationMilestone(
                tenant=tenant,
                application=application,
                requisition_id=application.requisition_id,
                milestone=definition,
            )
            if index < current:
                skipped = not definition.mandatory and rng.random() < 0.3
                row.state = MilestoneState.SKIPPED if skipped else MilestoneState.COMPLETED
                row.entered_at = entered[index]
                row.completed_at = entered[index + 1]
                application.version += 1
                transitions.append(
                    MilestoneTransition(
                        tenant=tenant,
                        application=application,
                        from_milestone=definition,
                        to_milestone=definitions[index + 1],
                        kind=TransitionKind.SKIP if skipped else TransitionKind.ADVANCE,
                        cause=TransitionCause.IMPORT,
                        reason="Strong referral" if skipped else "",
                        at=entered[index + 1],
                        application_version=application.version,
                    )
                )
            elif index == current:
                row.state = MilestoneState.ACTIVE
                row.entered_at = entered[index]
                row.due_at = entered[index] + definition.sla if definition.sla else None
                first = definition.first_escalation_after
                # As entering sets it: the sweep then applies every level due by now.
                row.escalates_at = entered[index] + first if first else None
            rows.append(row)
        application.current_milestone = definitions[current]
    ApplicationMilestone.objects.bulk_create(rows, batch_size=2000)
    MilestoneTransition.objects.bulk_create(transitions, batch_size=2000)
    AuditEvent.objects.bulk_create(
        [_transition_audit(tenant, transition) for transition in transitions], batch_size=2000
    )
    Application.objects.bulk_update(applications, ["current_milestone", "version"], batch_size=1000)
    result.count("application milestones", len(rows))
    result.count("milestone transitions", len(transitions))
    seed_automation_activity(applications, now, result)


def _transition_audit(tenant, transition: MilestoneTransition) -> AuditEvent:
    """The audit event a live move writes beside its transition: the demo's history is on
    the audit trail like any other (cause `import`)."""
    initialize = transition.kind == TransitionKind.INITIALIZE
    return AuditEvent(
        tenant=tenant,
        action=AUDIT_INITIALIZED if initialize else AUDIT_TRANSITIONED,
        object_type=AUDIT_OBJECT_APPLICATION,
        object_id=str(transition.application_id),
        at=transition.at,
        data={
            "transition_id": str(transition.pk),
            "kind": transition.kind,
            "cause": transition.cause,
            "from": transition.from_milestone.code if transition.from_milestone else None,
            "to": transition.to_milestone.code,
            "version": transition.application_version,
            "reason": transition.reason,
        },
    )


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
