"""Domain errors of integrations: one code enum, reused by services, API and tests."""

from __future__ import annotations

from enum import StrEnum

from ats_milestones.errors import Conflict, DomainError, InvalidInput, RuleViolation


class IntegrationErrorCode(StrEnum):
    INVALID_CONNECTION = "INVALID_CONNECTION"  # 400, the field names what is wrong
    NOT_A_DEAD_LETTER = "NOT_A_DEAD_LETTER"  # 409: delivered or still being tried
    SIGNATURE_INVALID = "SIGNATURE_INVALID"  # 401
    SIGNATURE_HEADERS_MISSING = "SIGNATURE_HEADERS_MISSING"  # 400
    INVALID_INBOUND_EVENT = "INVALID_INBOUND_EVENT"  # 400
    UNKNOWN_BACKGROUND_CHECK = "UNKNOWN_BACKGROUND_CHECK"  # 422: no check of that vendor id
    UNKNOWN_APPLICATION = "UNKNOWN_APPLICATION"  # 422: an inbound event names no application
    ADVERSE_ACTION_WAITING = "ADVERSE_ACTION_WAITING"  # 409: the waiting period still runs
    NO_ADVERSE_ACTION_PENDING = "NO_ADVERSE_ACTION_PENDING"  # 409: nothing to decide


class NotADeadLetter(Conflict):
    code = IntegrationErrorCode.NOT_A_DEAD_LETTER


class SignatureInvalid(DomainError):
    status = 401
    code = IntegrationErrorCode.SIGNATURE_INVALID


class InvalidInboundEvent(InvalidInput):
    code = IntegrationErrorCode.INVALID_INBOUND_EVENT


class UnknownInboundSubject(RuleViolation):
    code = IntegrationErrorCode.UNKNOWN_BACKGROUND_CHECK


class AdverseActionRefused(Conflict):
    code = IntegrationErrorCode.NO_ADVERSE_ACTION_PENDING
