"""Milestone models, one module per concern; import them from here."""

from milestones.models.automation import *  # noqa: F403
from milestones.models.configuration import *  # noqa: F403
from milestones.models.legacy import *  # noqa: F403
from milestones.models.runtime import *  # noqa: F403
