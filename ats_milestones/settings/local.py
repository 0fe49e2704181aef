"""Development: `make run`."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", True)
# Development fakes and the built-in webhook sink listen on loopback.
INTEGRATIONS_ENDPOINT_ALLOWLIST = env_list(
    "INTEGRATIONS_ENDPOINT_ALLOWLIST", "127.0.0.0/8,::1/128,localhost"
)
# The app's own webhook sink (/dev/webhook-sink/), and a short retry schedule so its
# retries and dead letter show within a minute.
INTEGRATIONS_DEV_SINK = DEBUG
INTEGRATIONS_RETRY_SCHEDULE_S = [
    float(s) for s in env_list("INTEGRATIONS_RETRY_SCHEDULE_S", "5,15,30")
]
