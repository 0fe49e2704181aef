"""Bodies of the report endpoints. The aggregate reports' rows are documented here for the
schema (the views return `Report.as_dict()`); list reports serialize their rows."""

from __future__ import annotations

from ats_milestones.api import serializers
from milestones.models import ApplicationMilestone
from milestones.sensitivity import RESTRICTED_LABEL
from recruiting.models import Application
from reporting.models import MilestoneStay, RegressionAlert

DRILL_DOWN = (
    "The query parameters of GET /api/v1/reports/applications that list the applications "
    "behind this number."
)


class _Named(serializers.Serializer):
    id = serializers.CharField(allow_null=True, help_text="text, also for user ids; null: none")
    name = serializers.CharField()


class _Milestone(_Named):
    order = serializers.IntegerField()


class _Report(serializers.Serializer):
    report = serializers.CharField()
    time_basis = serializers.ChoiceField(
        choices=["business", "calendar"],
        allow_null=True,
        help_text="business: inside the tenant's business hours; calendar: wall clock; "
        "null: a report of counts only",
    )
    filters = serializers.DictField(help_text="the filters the report ran with")


class TimeInMilestoneRowSerializer(serializers.Serializer):
    milestone = _Milestone()
    group = _Named(allow_null=True)
    count = serializers.IntegerField(help_text="finished stays")
    median_seconds = serializers.FloatField(allow_null=True)
    p90_seconds = serializers.FloatField(allow_null=True)
    mean_seconds = serializers.FloatField(allow_null=True)
    open_count = serializers.IntegerField(help_text="stays still open (waiting)")
    open_median_age_seconds = serializers.FloatField(allow_null=True, help_text="calendar")
    applications = serializers.DictField(
        help_text=DRILL_DOWN.replace("this number", "the finished stays")
    )
    open_applications = serializers.DictField(
        help_text=DRILL_DOWN.replace("this number", "the stays still open")
    )


class TimeInMilestoneSerializer(_Report):
    rows = TimeInMilestoneRowSerializer(many=True)


class FunnelRowSerializer(serializers.Serializer):
    milestone = _Milestone()
    group = _Named(allow_null=True)
    entered = serializers.IntegerField()
    passed = serializers.IntegerField(help_text="advanced, skipped, bypassed or hired")
    dropped = serializers.IntegerField(help_text="rejected, withdrawn or failed in it")
    regressed = serializers.IntegerField(help_text="sent back from it")
    conversion = serializers.FloatField(allow_null=True, help_text="passed / entered")
    drop_off = serializers.FloatField(allow_null=True, help_text="dropped / entered")
    applications = serializers.DictField(help_text=DRILL_DOWN)
    passed_applications = serializers.DictField(help_text=DRILL_DOWN)
    dropped_applications = serializers.DictField(help_text=DRILL_DOWN)
    regressed_applications = serializers.DictField(help_text=DRILL_DOWN)


class FunnelSerializer(_Report):
    rows = FunnelRowSerializer(many=True)


class RecruiterRowSerializer(serializers.Serializer):
    recruiter = _Named(allow_null=True)
    stays = serializers.IntegerField()
    passed = serializers.IntegerField()
    regressed = serializers.IntegerField()
    fell_out = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    regression_rate = serializers.FloatField(allow_null=True)
    fall_out_rate = serializers.FloatField(allow_null=True)
    median_seconds = serializers.FloatField(allow_null=True)
    p90_seconds = serializers.FloatField(allow_null=True)
    applications = serializers.DictField(help_text=DRILL_DOWN)
    passed_applications = serializers.DictField(help_text=DRILL_DOWN)
    regressed_applications = serializers.DictField(help_text=DRILL_DOWN)
    fell_out_applications = serializers.DictField(help_text=DRILL_DOWN)


class RecruiterPerformanceSerializer(_Report):
    rows = RecruiterRowSerializer(many=True)


class TimeToFillRowSerializer(serializers.Serializer):
    """With `by=requisition` (default) the requisition fields; else the group fields."""

    requisition = _Named(required=False)
    opened_at = serializers.DateTimeField(required=False)
    openings = serializers.IntegerField(required=False)
    hires = serializers.IntegerField(required=False, help_text="hired applications")
    filled_at = serializers.DateTimeField(required=False, allow_null=True)
    seconds = serializers.FloatField(required=False, allow_null=True)
    group = _Named(required=False, allow_null=True)
    requisitions = serializers.IntegerField(required=False)
    filled = serializers.IntegerField(required=False)
    median_seconds = serializers.FloatField(required=False, allow_null=True)
    p90_seconds = serializers.FloatField(required=False, allow_null=True)
    mean_seconds = serializers.FloatField(required=False, allow_null=True)
    applications = serializers.DictField(help_text=DRILL_DOWN)


class TimeToFillSerializer(_Report):
    rows = TimeToFillRowSerializer(many=True)


class _Segment(_Named):
    kind = serializers.ChoiceField(choices=["moved_by", "published"])
    version = _Named(required=False)


class AutomationImpactRowSerializer(serializers.Serializer):
    segment = _Segment()
    applications = serializers.IntegerField(help_text="finished candidacies")
    hired = serializers.IntegerField()
    dropped = serializers.IntegerField()
    drop_off = serializers.FloatField(allow_null=True)
    median_seconds_to_hire = serializers.FloatField(allow_null=True)
    applications_filter = serializers.DictField(help_text=DRILL_DOWN)


class AutomationImpactSerializer(_Report):
    rows = AutomationImpactRowSerializer(many=True)


class SlaExceptionSerializer(serializers.ModelSerializer):
    application_id = serializers.UUIDField(read_only=True)
    candidate_name = serializers.CharField(source="application.candidate.full_name")
    requisition_id = serializers.UUIDField(read_only=True)
    requisition_title = serializers.CharField(source="requisition.title")
    milestone_id = serializers.UUIDField(read_only=True)
    milestone_name = serializers.CharField(source="milestone.name")
    since = serializers.DateTimeField(help_text="when it entered the milestone (the real entry)")
    people_told = serializers.ListField(
        child=serializers.CharField(), allow_null=True, help_text="names, of its escalations"
    )

    class Meta:
        model = ApplicationMilestone
        fields = [
            "application_id",
            "candidate_name",
            "requisition_id",
            "requisition_title",
            "milestone_id",
            "milestone_name",
            "since",
            "due_at",
            "overdue_since",
            "escalation_level",
            "people_told",
        ]
        read_only_fields = fields


class RegressionSerializer(serializers.ModelSerializer):
    from_milestone_id = serializers.UUIDField(source="milestone_id", read_only=True)
    from_milestone_name = serializers.CharField(allow_null=True)
    to_milestone_name = serializers.CharField(allow_null=True)
    candidate_name = serializers.CharField(allow_null=True)
    requisition_title = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    regressed_at = serializers.DateTimeField(source="left_at")
    regressed_by_id = serializers.IntegerField(allow_null=True, help_text="a user")

    class Meta:
        model = MilestoneStay
        fields = [
            "id",
            "application_id",
            "candidate_name",
            "requisition_id",
            "requisition_title",
            "from_milestone_id",
            "from_milestone_name",
            "to_milestone_name",
            "entered_at",
            "regressed_at",
            "reason",
            "regressed_by_id",
            "department_id",
            "recruiter_id",
        ]
        read_only_fields = fields


class ReportApplicationSerializer(serializers.ModelSerializer):
    candidate_name = serializers.CharField(source="candidate.full_name")
    requisition_title = serializers.CharField(source="requisition.title")
    current_milestone_name = serializers.CharField(
        source="current_milestone.name", allow_null=True, default=None
    )
    entered_current_at = serializers.DateTimeField(
        allow_null=True, help_text="when it entered its current milestone (open candidacies)"
    )
    current_milestone_restricted = serializers.BooleanField(
        help_text="it stands in a sensitive milestone the caller may not see: its id, name "
        "and since when are left out (null, 'Restricted milestone', null)"
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data["current_milestone_restricted"]:
            data["current_milestone_id"] = None
            data["current_milestone_name"] = RESTRICTED_LABEL
        return data

    class Meta:
        model = Application
        fields = [
            "id",
            "candidate_id",
            "candidate_name",
            "requisition_id",
            "requisition_title",
            "status",
            "applied_at",
            "current_milestone_id",
            "current_milestone_name",
            "current_milestone_restricted",
            "entered_current_at",
        ]
        read_only_fields = fields


class RegressionAlertInputSerializer(serializers.Serializer):
    from_milestone_id = serializers.UUIDField(help_text="the milestone it leaves")
    to_milestone_id = serializers.UUIDField(help_text="an earlier milestone it goes back to")


class RegressionAlertUpdateSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()


class RegressionAlertOutputSerializer(serializers.ModelSerializer):
    from_milestone_id = serializers.UUIDField(read_only=True)
    from_milestone_name = serializers.CharField(source="from_milestone.name")
    to_milestone_id = serializers.UUIDField(read_only=True)
    to_milestone_name = serializers.CharField(source="to_milestone.name")

    class Meta:
        model = RegressionAlert
        fields = [
            "id",
            "from_milestone_id",
            "from_milestone_name",
            "to_milestone_id",
            "to_milestone_name",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReportingSettingsSerializer(serializers.Serializer):
    misclick_window_seconds = serializers.IntegerField(
        min_value=0,
        max_value=3600,
        help_text="a move undone within this many seconds is not counted as a stay",
    )
