"""The audit trail hears the domain events of the apps below it (tenants, the API kernel)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in

from ats_milestones.events import Moment, subscribe
from audit import services
from tenants.events import (
    AccessDenied,
    ActionForbidden,
    MembershipChanged,
    ObjectChanged,
    SignInFailed,
    SignInLockedOut,
    TenantSwitched,
)


def connect() -> None:
    user_logged_in.connect(services.audit_logged_in, dispatch_uid="audit_logged_in")
    subscribe(ObjectChanged, services.audit_object_changed, moment=Moment.IN_TRANSACTION)
    subscribe(TenantSwitched, services.audit_tenant_switched, moment=Moment.IN_TRANSACTION)
    subscribe(AccessDenied, services.audit_access_denied, moment=Moment.IN_TRANSACTION)
    subscribe(SignInFailed, services.audit_sign_in_failed, moment=Moment.IN_TRANSACTION)
    subscribe(SignInLockedOut, services.audit_sign_in_locked_out, moment=Moment.IN_TRANSACTION)
    subscribe(ActionForbidden, services.audit_action_forbidden, moment=Moment.IN_TRANSACTION)
    subscribe(MembershipChanged, services.audit_membership_changed, moment=Moment.IN_TRANSACTION)
