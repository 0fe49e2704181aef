from tenants.capabilities import capabilities_for


def tenancy(request) -> dict:
    return {
        "current_tenant": getattr(request, "tenant", None),
        "current_membership": getattr(request, "membership", None),
    }


def capabilities(request) -> dict:
    """`capabilities`: what the signed-in member may do here (see tenants.capabilities)."""
    return {"capabilities": capabilities_for(getattr(request, "membership", None))}
