"""Settings shared by every environment; values come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from ats_milestones.db import reset_pooled_connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "django_celery_beat",
    "axes",
]
LOCAL_APPS = [
    "ats_milestones",
    "ats_milestones.idempotency",
    "tenants",
    "audit",
    "notifications",
    "recruiting",
    "milestones",
    "approvals",
    "integrations",
    "reporting",
    "compliance",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: the request id, client address and user agent every audit row of the request
    # carries (and X-Request-ID on every response).
    "tenants.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.TenantMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a sign-in refused for a lockout into the login page that says so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ats_milestones.urls"
WSGI_APPLICATION = "ats_milestones.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.tenancy",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

# The app connects as a non-superuser role that owns the tables; FORCE ROW LEVEL
# SECURITY makes Postgres apply the tenant policies to that owner too.
DATABASE_URL = env("DATABASE_URL", "postgres://ats@127.0.0.1:5432/ats")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
# Django's backend with psycopg's C timestamp loader (ats_milestones/db_backend).
DATABASES["default"]["ENGINE"] = "ats_milestones.db_backend"
DATABASES["default"].setdefault("OPTIONS", {})
# Server-side binding lets psycopg prepare the statements a process repeats (a move's,
# the token look-up), so Postgres stops re-planning them and their RLS policies each time.
# (Set DATABASE_PREPARE_THRESHOLD=none behind a transaction-mode pgbouncer.)
DATABASES["default"]["OPTIONS"]["server_side_binding"] = env_bool("DATABASE_SERVER_BINDING", True)
_prepare = env("DATABASE_PREPARE_THRESHOLD", "5")
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
    None if _prepare.lower() == "none" else int(_prepare)
)
# Short OLTP queries: Postgres's JIT spent ~430 ms compiling the board's card query at
# 10,000 applications (jit_above_cost crossed) to save a few. Off per connection unless
# DATABASE_JIT=on (behind pgbouncer, set jit in postgresql.conf instead and DATABASE_JIT=on).
if not env_bool("DATABASE_JIT", False):
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
if env_bool("DATABASE_POOL", True):
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": int(env("DATABASE_POOL_MIN", "2")),
        "max_size": int(env("DATABASE_POOL_MAX", "20")),
        "timeout": 10,
        "reset": reset_pooled_connection,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or client address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing (django-axes): LOGIN_FAILURE_LIMIT failed sign-ins for one username, or
# from one client address, lock sign-in for both for LOGIN_LOCKOUT_MINUTES, counted from the
# lockout (attempts while locked do not prolong it). A superuser unlocks sooner in the admin
# (Axes > Access attempts: delete) or with `manage.py axes_reset_username <name>`.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "tenants.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "tenants.signin.client_address"
AXES_VERBOSE = False
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, the client
# is REMOTE_ADDR). Behind one, without this every client looks like the proxy.
TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "0"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "ats_milestones.api.schema.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "ats_milestones.api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "ats_milestones.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with a nesting limit, no NUL characters, and a size limit (docs/api.md "Limits").
    "DEFAULT_PARSER_CLASSES": ["ats_milestones.api.parsers.JSONParser"],
    "DEFAULT_METADATA_CLASS": "ats_milestones.api.metadata.APIMetadata",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
    # One budget per API client token, and one per signed-in user (see api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["ats_milestones.api.throttling.ApiCallerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_client": env("API_THROTTLE_CLIENT_RATE", "600/minute"),
        "api_user": env("API_THROTTLE_USER_RATE", "300/minute"),
        # Signed inbound webhooks, per connection (integrations/api/inbound.py).
        "inbound_connection": env("API_THROTTLE_INBOUND_RATE", "600/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ATS Milestones API",
    "DESCRIPTION": (
        "Multi-tenant hiring milestones. Authenticate with `Authorization: Bearer <api token>`. "
        'Errors are `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Schema generation only calls .none() on this manager; `objects` needs a tenant.
    "DEFAULT_QUERY_MANAGER": "all_tenants",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # Every operation documents the statuses the kernel answers for any route.
        "ats_milestones.api.schema.document_common_errors",
        "ats_milestones.api.schema.allow_blank_emails",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RequisitionStatusEnum": "recruiting.models.RequisitionStatus",
        "ApprovalDecisionEnum": "approvals.models.Decision",
        "DecideEnum": "approvals.api.serializers.DECISION_CHOICES",
        "ApplicationStatusEnum": "recruiting.models.ApplicationStatus",
        "HireTypeEnum": "recruiting.models.HireType",
        "ConflictChoiceEnum": "integrations.models.ConflictChoice",
        "RoleEnum": "tenants.models.Role",
        "MilestoneKindEnum": "milestones.models.MilestoneKind",
        "TransitionKindEnum": "milestones.models.TransitionKind",
        "AutomationRuleKindEnum": "milestones.models.AutomationRuleKind",
        "FailureSourceEnum": "milestones.models.FailureSource",
        # Keeps the application's `source` enum named as before failures added a `source`.
        "SourceEnum": "recruiting.models.ApplicationSource",
        "FailureStatusEnum": "milestones.models.FailureStatus",
        "DeadlineActionEnum": "milestones.models.DeadlineAction",
        "AlertRecipientEnum": "milestones.models.AlertRecipient",
        "SandboxStepKindEnum": "milestones.core.simulation.STEP_KINDS",
        "PreviewChangeEnum": "milestones.core.diff.DIFFERENCE_KINDS",
        "PreviewComparedFieldEnum": "milestones.core.diff.COMPARED_FIELDS",
        "ConnectionKindEnum": "integrations.models.ConnectionKind",
        "AuthKindEnum": "integrations.models.AuthKind",
        "DeliveryStateEnum": "integrations.models.DeliveryState",
        "BackgroundCheckStatusEnum": "integrations.models.BackgroundCheckStatus",
        "BackgroundCheckResultEnum": "integrations.models.BackgroundCheckResult",
        "AdverseActionEnum": "integrations.models.AdverseAction",
    },
}

# Celery: Redis when REDIS_URL is set, else an embedded filesystem broker under .run/.
REDIS_URL = env("REDIS_URL")
# The API's throttle counts in this cache: shared through Redis when there is one, else per
# process (several processes then each allow the full rate).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ats",
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
_broker_dir = Path(env("CELERY_FILESYSTEM_BROKER_DIR", str(BASE_DIR / ".run" / "broker")))
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu wants these folders to exist, and its control (fanout) folder defaults to the cwd.
    for _sub in ("queue", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# Periodic work is a sweep over due rows (django-celery-beat syncs this into its tables).
MILESTONE_SWEEP_INTERVAL_S = float(env("MILESTONE_SWEEP_INTERVAL_S", "60"))
# How long the audit trail keeps a row, in years (`manage.py audit_prune` deletes older).
AUDIT_RETENTION_YEARS = int(env("AUDIT_RETENTION_YEARS", "7"))
if AUDIT_RETENTION_YEARS < 1:
    raise ValueError("AUDIT_RETENTION_YEARS must be a whole number of years, 1 or more")
CELERY_BEAT_SCHEDULE = {
    "milestones-sweep": {
        "task": "milestones.tasks.milestones_sweep_task",
        "schedule": MILESTONE_SWEEP_INTERVAL_S,
        # A sweep not started within one interval is superseded by the next one.
        "options": {"expires": MILESTONE_SWEEP_INTERVAL_S},
    },
    # Mail of notifications that could not be queued as they committed (the broker down).
    "notifications-email-catch-up": {
        "task": "notifications.tasks.notifications_email_catch_up_task",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
}

# Integrations (docs/integrations.md). Outbound HTTP runs on its own queue, so a slow vendor
# never holds up timers and mail.
INTEGRATIONS_QUEUE = "integrations"
CELERY_TASK_ROUTES = {"integrations.tasks.*": {"queue": INTEGRATIONS_QUEUE}}
# Fernet keys (comma-separated, newest first) for secrets at rest; production requires them,
# elsewhere one is derived from SECRET_KEY (integrations/crypto.py).
INTEGRATIONS_SECRET_KEYS = env_list("INTEGRATIONS_SECRET_KEYS")
# Hosts, addresses or networks outbound calls may reach although not public (SSRF guard).
INTEGRATIONS_ENDPOINT_ALLOWLIST = env_list("INTEGRATIONS_ENDPOINT_ALLOWLIST")
# Waits between attempts in seconds (default: the Standard Webhooks schedule, ~3 days).
INTEGRATIONS_RETRY_SCHEDULE_S = [float(s) for s in env_list("INTEGRATIONS_RETRY_SCHEDULE_S")]
# The development webhook sink (/dev/webhook-sink/): local settings turn it on with DEBUG.
INTEGRATIONS_DEV_SINK = False
INTEGRATIONS_RELAY_INTERVAL_S = float(env("INTEGRATIONS_RELAY_INTERVAL_S", "5"))
# Kick the relay after each commit that wrote outbox events (beat sweeps anyway).
INTEGRATIONS_RELAY_KICK = env_bool("INTEGRATIONS_RELAY_KICK", True)
# POSTs of one relay batch in flight at once (one delivery per application line each).
INTEGRATIONS_RELAY_CONCURRENCY = int(env("INTEGRATIONS_RELAY_CONCURRENCY", "8"))
CELERY_BEAT_SCHEDULE["integrations-relay"] = {
    "task": "integrations.tasks.integrations_relay_task",
    "schedule": INTEGRATIONS_RELAY_INTERVAL_S,
    "options": {"expires": INTEGRATIONS_RELAY_INTERVAL_S, "queue": INTEGRATIONS_QUEUE},
}
# Background-check orders whose task was lost (the broker was down) are queued again.
CELERY_BEAT_SCHEDULE["integrations-background-checks"] = {
    "task": "integrations.tasks.background_checks_resume_task",
    "schedule": 900.0,
    "options": {"expires": 900.0, "queue": INTEGRATIONS_QUEUE},
}
# Connections due for their scheduled validation (interval per tenant, quarterly default).
INTEGRATIONS_VALIDATION_SWEEP_S = float(env("INTEGRATIONS_VALIDATION_SWEEP_S", "3600"))
CELERY_BEAT_SCHEDULE["integrations-validation-sweep"] = {
    "task": "integrations.tasks.integrations_validation_sweep_task",
    "schedule": INTEGRATIONS_VALIDATION_SWEEP_S,
    "options": {"expires": INTEGRATIONS_VALIDATION_SWEEP_S, "queue": INTEGRATIONS_QUEUE},
}

# Retention (days; a tenant may set its own in its integration settings). Inbound receipts
# answer a repeated webhook-id: they must outlive the 5-minute signature tolerance and the
# sender's retry window (Standard Webhooks senders retry for about 3 days), so at least 4.
# The delivery log (attempts, delivered deliveries) feeds the 7-day health figures: at least 7.
INTEGRATIONS_RECEIPT_RETENTION_DAYS = int(env("INTEGRATIONS_RECEIPT_RETENTION_DAYS", "30"))
INTEGRATIONS_DELIVERY_LOG_RETENTION_DAYS = int(
    env("INTEGRATIONS_DELIVERY_LOG_RETENTION_DAYS", "90")
)
if INTEGRATIONS_RECEIPT_RETENTION_DAYS < 4:
    raise ValueError("INTEGRATIONS_RECEIPT_RETENTION_DAYS must be 4 days or more")
if INTEGRATIONS_DELIVERY_LOG_RETENTION_DAYS < 7:
    raise ValueError("INTEGRATIONS_DELIVERY_LOG_RETENTION_DAYS must be 7 days or more")
# Rows deleted per statement (each batch its own short transaction).
INTEGRATIONS_RETENTION_BATCH = int(env("INTEGRATIONS_RETENTION_BATCH", "5000"))
INTEGRATIONS_RETENTION_SWEEP_S = float(env("INTEGRATIONS_RETENTION_SWEEP_S", "3600"))
CELERY_BEAT_SCHEDULE["integrations-retention"] = {
    "task": "integrations.tasks.integrations_retention_prune_task",
    "schedule": INTEGRATIONS_RETENTION_SWEEP_S,
    "options": {"expires": INTEGRATIONS_RETENTION_SWEEP_S, "queue": INTEGRATIONS_QUEUE},
}

# Stalled approvals (docs/approvals.md): a due step's approvers are reminded after this many
# business hours, and the department head (or the admins) told after the second number.
APPROVAL_REMIND_AFTER_BUSINESS_HOURS = float(env("APPROVAL_REMIND_AFTER_BUSINESS_HOURS", "16"))
APPROVAL_ESCALATE_AFTER_BUSINESS_HOURS = float(env("APPROVAL_ESCALATE_AFTER_BUSINESS_HOURS", "24"))
APPROVAL_REMINDER_SWEEP_INTERVAL_S = float(env("APPROVAL_REMINDER_SWEEP_INTERVAL_S", "300"))
CELERY_BEAT_SCHEDULE["approvals-reminder-sweep"] = {
    "task": "approvals.tasks.approvals_reminder_sweep_task",
    "schedule": APPROVAL_REMINDER_SWEEP_INTERVAL_S,
    "options": {"expires": APPROVAL_REMINDER_SWEEP_INTERVAL_S},
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ats-milestones@localhost")
# Where people reach the site; mail turns the app's links into absolute ones with it
# (a mail client cannot open "/notifications/<id>/").
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Exports (docs/exports.md). Rows fetched per batch from the server-side cursor: one CSV
# chunk or one Parquet row group each.
EXPORTS_BATCH_ROWS = int(env("EXPORTS_BATCH_ROWS", "10000"))
# The export volume: scheduled exports write under <EXPORTS_ROOT>/<tenant slug>/<directory>/.
EXPORTS_ROOT = env("EXPORTS_ROOT", str(BASE_DIR / ".run" / "exports"))
EXPORTS_SCHEDULE_INTERVAL_S = float(env("EXPORTS_SCHEDULE_INTERVAL_S", "300"))
CELERY_BEAT_SCHEDULE["reporting-scheduled-exports"] = {
    "task": "reporting.tasks.reporting_scheduled_exports_task",
    "schedule": EXPORTS_SCHEDULE_INTERVAL_S,
    "options": {"expires": EXPORTS_SCHEDULE_INTERVAL_S},
}
