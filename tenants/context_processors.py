from tenants.permissions import capabilities_of


def tenancy(request) -> dict:
    membership = getattr(request, "membership", None)
    return {
        "current_tenant": getattr(request, "tenant", None),
        "current_membership": membership,
        # What the user may do: a template shows a control `{% if "move" in capabilities %}`.
        "capabilities": {str(c) for c in capabilities_of(membership)},
    }
