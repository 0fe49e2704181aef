"""Legacy stage mappings and the import of a legacy system's stage history.

- `mappings`: which milestone each legacy stage of a source system stands for;
- `rows`: reading a CSV export, checking every row, resolving rows to applications and
  milestones (an import is all or nothing: 422 IMPORT_INVALID lists every error);
- `history`: writing the valid rows as transitions and milestone states, once per row's
  natural key (rows already imported are reported, not written again);
- `bulk`: the set-based statements the import writes with.
"""

from .history import AUDIT_IMPORTED, LegacyImportResult, legacy_history_import
from .mappings import DuplicateMapping, legacy_stage_mapping_delete, legacy_stage_mapping_save
from .rows import (
    IMPORT_INVALID,
    REQUIRED_FIELDS,
    ROW_FIELDS,
    ImportConflict,
    LegacyImportInvalid,
    legacy_rows_from_csv,
)

__all__ = [
    "AUDIT_IMPORTED",
    "IMPORT_INVALID",
    "REQUIRED_FIELDS",
    "ROW_FIELDS",
    "DuplicateMapping",
    "ImportConflict",
    "LegacyImportInvalid",
    "LegacyImportResult",
    "legacy_history_import",
    "legacy_rows_from_csv",
    "legacy_stage_mapping_delete",
    "legacy_stage_mapping_save",
]
