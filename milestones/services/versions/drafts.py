"""What every edit of a version's configuration checks first: that it is a draft."""

from __future__ import annotations

from milestones.errors import (
    ConfigurationRefused,
)
from milestones.errors import MilestoneErrorCode as Code
from milestones.models import (
    FrameworkVersion,
    VersionStatus,
)


def version_require_draft(version: FrameworkVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ConfigurationRefused(
            f"version {version.number} is {version.status} and cannot change; "
            "copy it to a new draft instead",
            code=Code.VERSION_NOT_EDITABLE,
        )


def version_lock(version: FrameworkVersion) -> FrameworkVersion:
    return FrameworkVersion.objects.select_for_update().get(pk=version.pk)
