"""Milestone models, one module per concern; import them from here."""

from .automation import *  # noqa: F403
from .configuration import *  # noqa: F403
from .legacy import *  # noqa: F403
from .runtime import *  # noqa: F403
