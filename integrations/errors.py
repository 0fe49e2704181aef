"""Domain errors of integrations: one code enum, reused by services, API and tests."""

from __future__ import annotations

from enum import StrEnum

from ats_milestones.errors import Conflict, DomainError, InvalidInput, RuleViolation


class IntegrationErrorCode(StrEnum):
    INVALID_CONNECTION = "INVALID_CONNECTION"  # 400, the field names what is wrong
    NOT_A_DEAD_LETTER = "NOT_A_DEAD_LETTER"  # 409: delivered or still being tried
    SIGNATURE_INVALID = "SIGNATURE_INVALID"  # 401
    SIGNATURE_HEADERS_MISSING = "SIGNATURE_HEADERS_MISSING"  # 400
    UNKNOWN_BACKGROUND_CHECK = "UNKNOWN_BACKGROUND_CHECK"  # 422: no check of that vendor id
    UNKNOWN_APPLICATION = "UNKNOWN_APPLICATION"  # 422: an inbound event names no application
    ADVERSE_ACTION_WAITING = "ADVERSE_ACTION_WAITING"  # 409: the waiting period still runs
    NO_ADVERSE_ACTION_PENDING = "NO_ADVERSE_ACTION_PENDING"  # 409: nothing to decide
    INVALID_INBOUND_EVENT = "INVALID_INBOUND_EVENT"  # 400, the field names what is wrong
    UNKNOWN_INBOUND_TYPE = "UNKNOWN_INBOUND_TYPE"  # 422: no handler for the body's `type`
    INBOUND_TOO_LARGE = "INBOUND_TOO_LARGE"  # 413
    CONFLICT_RESOLVED = "CONFLICT_RESOLVED"  # 409: a sync conflict resolved already
    ORDER_NOT_FAILED = "ORDER_NOT_FAILED"  # 409: only a failed background-check order is retried


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


class OrderNotFailed(Conflict):
    code = IntegrationErrorCode.ORDER_NOT_FAILED


class SignatureHeadersMissing(DomainError):
    status = 400
    code = IntegrationErrorCode.SIGNATURE_HEADERS_MISSING


class UnknownInboundType(RuleViolation):
    code = IntegrationErrorCode.UNKNOWN_INBOUND_TYPE


class InboundTooLarge(DomainError):
    status = 413
    code = IntegrationErrorCode.INBOUND_TOO_LARGE
