"""Development: `make run`."""

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", True)
# Development fakes and the built-in webhook sink listen on loopback.
INTEGRATIONS_ENDPOINT_ALLOWLIST = env_list(
    "INTEGRATIONS_ENDPOINT_ALLOWLIST", "127.0.0.0/8,::1/128,localhost"
)
