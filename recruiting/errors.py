"""Error codes of recruiting writes; the API's exception handler maps them to HTTP."""

from enum import StrEnum


class RecruitingErrorCode(StrEnum):
    APPLICATION_EXISTS = "APPLICATION_EXISTS"
    DUPLICATE_EXTERNAL_ID = "DUPLICATE_EXTERNAL_ID"
    STALE_VERSION = "STALE_VERSION"
