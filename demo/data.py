"""What the demo seeds: tenants, departments, people, requisitions, the framework."""

from __future__ import annotations

from datetime import timedelta

from milestones.models import (
    MilestoneKind,
    TerminalKind,
)
from tenants.models import (
    FlsaStatus,
)

DEMO_PASSWORD = "demo-pass-2026"


SHARED_USERNAME = "consultant"  # a recruiter who works for both tenants


# The names people read for the demo logins (pages show names, not usernames).
PEOPLE = {
    "acme-admin": ("Amara", "Okafor"),
    "acme-recruiter": ("Rita", "Moreno"),
    "acme-hiring-manager": ("Henrik", "Larsen"),
    "acme-hrbp": ("Priya", "Nair"),
    "acme-coordinator": ("Carlos", "Mendes"),
    "acme-auditor": ("Aiko", "Tanaka"),
    "globex-admin": ("Grace", "Adeyemi"),
    "globex-recruiter": ("Tomás", "Herrera"),
    "globex-hiring-manager": ("Helen", "Park"),
    "globex-hrbp": ("Bilal", "Haddad"),
    "globex-coordinator": ("Chloé", "Martin"),
    "globex-auditor": ("Oskar", "Lindqvist"),
    SHARED_USERNAME: ("Sam", "Whitfield"),
}


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
    (
        "OFFER",
        "Offer",
        MilestoneKind.ACTION_TRIGGERED,
        # Not left until the offer's approval round is approved (approvals' gate).
        {"hris_status": "OFFER_EXTENDED", "gate_conditions": [{"type": "approval_granted"}]},
    ),
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


# Finished candidacies: why they ended, as a recruiter would write it.
REJECT_REASONS = [
    "Not enough experience for the level",
    "Skills gap in the assessment",
    "Salary expectations above the band",
    "Another candidate was a stronger fit",
    "Did not meet the role's requirements",
]


WITHDRAW_REASONS = [
    "Accepted another offer",
    "Relocation not possible",
    "Compensation below expectations",
    "No longer looking",
]


# Where a finished candidacy stopped (index into MILESTONES, Hired left out), relatively:
# most rejections come early, withdrawals spread further on (offers declined).
REJECTED_AT_WEIGHTS = [35, 25, 20, 14, 3, 3]
WITHDRAWN_AT_WEIGHTS = [15, 20, 15, 20, 10, 20]


# How long a finished stay in each milestone lasted, in days (low, high): Hired is the
# wait from the accepted offer to the start date, which fills the opening.
STAY_DAYS = {
    "APPLICATION_REVIEW": (0.5, 4),
    "PHONE_SCREEN": (1, 5),
    "ASSESSMENT": (1, 4),
    "INTERVIEW_PANEL": (3, 12),
    "BACKGROUND_CHECK": (2, 7),
    "OFFER": (1, 6),
    "HIRED": (3, 14),
}
