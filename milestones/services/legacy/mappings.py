"""Legacy stage mappings: which milestone code each stage of a source system stands for."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ats_milestones.errors import Conflict
from milestones.models import LegacyStageMapping


class DuplicateMapping(Conflict):
    code = "DUPLICATE_MAPPING"


def legacy_stage_mapping_save(
    *, mapping: LegacyStageMapping | None = None, **fields
) -> LegacyStageMapping:
    """Create a mapping (or change `mapping`); a stage mapped twice answers 409."""
    mapping = mapping or LegacyStageMapping()
    for name, value in fields.items():
        setattr(mapping, name, value)
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError as exc:
        raise DuplicateMapping(
            "this legacy stage of this source system is already mapped",
            fields={"legacy_stage": ["already mapped for this source_system"]},
        ) from exc
    return mapping


def legacy_stage_mapping_delete(*, mapping: LegacyStageMapping) -> None:
    mapping.delete()
