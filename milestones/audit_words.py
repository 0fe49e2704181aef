"""What the trail calls milestones' audit actions, read after who did it ("Rita Moreno: Moved
a candidate"); registered with audit in MilestonesConfig.ready."""

AUDIT_WORDS = {
    "milestone.transitioned": "Moved a candidate",
    "milestone.initialized": "Started a candidate's milestones",
    "milestone.escalated": "Escalated a candidate waiting past the SLA",
    "milestone.history_imported": "Imported milestone history",
    "deadline.set": "Set a deadline",
    "deadline.cleared": "Cleared a deadline",
    "deadline.fired": "Deadline passed",
    "deadline.reminder": "Reminded of a deadline",
    "automation.failed": "Automation failed",
    "automation.failure_retried": "Retried a failed automation",
    "automation.failure_retry_refused": "Retry of a failed automation refused",
    "automation.failure_dismissed": "Dismissed a failed automation",
}
