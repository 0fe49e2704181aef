"""What the trail calls integrations' audit actions, read after who did it ("Rita Moreno:
Rotated a signing secret"); registered with audit in IntegrationsConfig.ready."""

AUDIT_WORDS = {
    "connection.created": "Added a connection",
    "connection.updated": "Changed a connection",
    "connection.disabled": "Disabled a connection",
    "connection.validated": "Checked a connection",
    "connection.field_precedence_set": "Chose which system wins a field",
    "connection.signing_secret_rotated": "Rotated a signing secret",
    "integration_settings.updated": "Changed integration settings",
    "dead_letters.replayed": "Replayed failed deliveries",
    "inbound.applied": "Applied an update from another system",
    "inbound.refused": "Refused an update from another system",
    "sync_conflict.resolved": "Resolved a sync conflict",
    "background_check.order_retried": "Retried a background check order",
}
