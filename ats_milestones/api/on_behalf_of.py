"""`On-Behalf-Of` (Greenhouse's header): the person an API client acts for, by user id or
email. The kernel resolves it to an active member of the client's tenant before the view
runs; the `Actor` and every audit row of the request name both the client and the person."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter

from ats_milestones.errors import DomainError
from tenants.request_context import request_context_acting_for
from tenants.selectors import tenant_user_list

HEADER = "On-Behalf-Of"
_META_KEY = "HTTP_ON_BEHALF_OF"

ON_BEHALF_OF_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "An API client acting for a person: their user id or email. They must be an "
        "active member of the client's tenant (else 422 naming this header); the audit "
        "trail records both the client and the person. Ignored for a signed-in person."
    ),
)


class UnknownOnBehalfOf(DomainError):
    status = 422
    code = "UNKNOWN_ON_BEHALF_OF"


def on_behalf_of_resolve(request, *, tenant_id) -> int | None:
    """The user id `On-Behalf-Of` names in `tenant_id` (None when the header is absent);
    the request's audit context learns it too."""
    sent = request.META.get(_META_KEY, "").strip()
    if not sent:
        return None
    members = tenant_user_list(tenant_id=tenant_id)
    if sent.isdigit() and len(sent) <= 18:
        found = list(members.filter(pk=int(sent)).values_list("pk", flat=True)[:2])
    elif "@" in sent and len(sent) <= 254 and "\x00" not in sent:
        found = list(members.filter(email__iexact=sent).values_list("pk", flat=True)[:2])
    else:
        found = []
    if len(found) != 1:
        problem = "Two members have this email." if found else "No member of this tenant."
        raise UnknownOnBehalfOf(
            f"{HEADER} names nobody this API client may act for.",
            fields={HEADER: [problem]},
        )
    request_context_acting_for(found[0])
    return found[0]
