"""The policy editor (admins: CONFIGURE_WORKFLOWS): the policies in the order they are
tried (reorder), a new policy or a department's extension of a template, a policy's steps
and conditions (every change of those is a new version; the versions are listed), and a
preview of which steps apply for a sample requisition and offer."""

from __future__ import annotations

import copy
import json

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from approvals import core
from approvals.errors import ApprovalError
from approvals.models import ApprovalPolicyVersion, SubjectKind
from approvals.selectors import approval_policy_list
from approvals.services import (
    ApprovalSubject,
    approval_policy_create,
    approval_policy_update,
    approval_preview,
)
from approvals.web import page_selectors
from approvals.web.access import ApprovalsPageMixin
from approvals.web.policy_form import (
    QUORUM_CHOICES,
    VETO_CHOICES,
    Sample,
    policy_posted,
    posted_rows_with_blank,
    problems_place,
    rows_of,
    sample_posted,
    sample_subject,
)
from tenants.permissions import Capability
from tenants.selectors import department_list, requisition_type_list, tenant_user_list

STEP_GAP = 10
#: A new policy starts with one step; the admin edits it from there.
FIRST_STEP = [{"name": "Hiring manager", "approvers": [{"role": "hiring_manager"}]}]


class PolicyPageMixin(ApprovalsPageMixin):
    read_capability = Capability.CONFIGURE_WORKFLOWS
    write_capability = Capability.CONFIGURE_WORKFLOWS


def _conditions_words(conditions) -> str:
    return core.condition_words(conditions) if conditions else "always"


class PolicyListView(PolicyPageMixin, View):
    def get(self, request):
        return self._render(request)

    def _render(self, request, *, form=None, errors=None, status=200):
        policies = list(approval_policy_list())
        for policy in policies:
            version = policy.current_version
            policy.conditions_words = _conditions_words(version.conditions if version else {})
            policy.step_count = len(version.steps) if version else 0
        return render(
            request,
            "approvals/policy_list.html",
            self.page_context(
                policies=policies,
                kinds=SubjectKind.choices,
                departments=department_list(tenant_id=request.tenant.pk),
                templates=[p for p in policies if p.department_id is None],
                form=form or {},
                errors=errors or {},
            ),
            status=status,
        )

    def post(self, request):
        """A new policy: one first step to edit, or a copy of the template it extends."""
        form = {k: request.POST.get(k, "").strip() for k in ("name", "kind", "department")}
        form["extends"] = request.POST.get("extends", "")
        policies = list(approval_policy_list())
        department = next(
            (
                d
                for d in department_list(tenant_id=request.tenant.pk)
                if str(d.pk) == form["department"]
            ),
            None,
        )
        template = next((p for p in policies if str(p.pk) == form["extends"]), None)
        steps = copy.deepcopy(template.current_version.steps) if template else FIRST_STEP
        try:
            policy = approval_policy_create(
                actor=self.actor,
                name=form["name"],
                subject_kind=form["kind"] or (template.subject_kind if template else ""),
                steps=steps,
                position=max((p.position for p in policies), default=0) + STEP_GAP,
                department=department,
                extends=template,
            )
        except ApprovalError as refusal:
            errors = dict(refusal.fields or {})
            return self._render(request, form=form, errors=errors, status=refusal.status)
        messages.success(request, f"Policy “{policy.name}” created; now set its steps.")
        return HttpResponseRedirect(reverse("approvals:policy-edit", args=[policy.pk]), status=303)


class PolicyMoveView(PolicyPageMixin, View):
    """Move a policy one place earlier or later among the policies of its kind; the order
    is the one in which they are tried (the first whose conditions hold is used)."""

    def post(self, request, pk):
        policy = self.policy_or_404(pk)
        ordered = list(approval_policy_list(subject_kind=policy.subject_kind))
        at = next(i for i, p in enumerate(ordered) if p.pk == policy.pk)
        to = at - 1 if request.POST.get("direction") == "up" else at + 1
        if 0 <= to < len(ordered):
            ordered[at], ordered[to] = ordered[to], ordered[at]
            for i, other in enumerate(ordered, start=1):
                if other.position != i * STEP_GAP:
                    approval_policy_update(policy=other, actor=self.actor, position=i * STEP_GAP)
            messages.success(request, f"“{policy.name}” is now number {to + 1} in the order.")
        return HttpResponseRedirect(reverse("approvals:policy-list"), status=303)


class PolicyEditView(PolicyPageMixin, View):
    def get(self, request, pk):
        policy = self.policy_or_404(pk)
        version = policy.current_version
        return self._render(
            request,
            policy,
            name=policy.name,
            is_active=policy.is_active,
            conditions_text=_json_text(version.conditions),
            rows=rows_of(version.steps),
            errors={},
            sample=Sample(),
        )

    def post(self, request, pk):
        policy = self.policy_or_404(pk)
        posted = policy_posted(request.POST)
        sample = sample_posted(request.POST)
        keep = {
            "name": posted.name,
            "is_active": posted.is_active,
            "conditions_text": posted.conditions_text,
            "sample": sample,
        }
        if request.POST.get("action") == "preview" or not posted.valid:
            status = 200 if posted.valid else 400
            return self._render(
                request,
                policy,
                rows=posted_rows_with_blank(posted),
                errors=posted.errors,
                preview_of=posted if posted.valid else None,
                status=status,
                **keep,
            )
        try:
            approval_policy_update(
                policy=policy,
                actor=self.actor,
                name=posted.name,
                is_active=posted.is_active,
                steps=posted.steps,
                conditions=posted.conditions,
            )
        except ApprovalError as refusal:
            problems_place(posted, [(p, m) for p, ms in (refusal.fields or {}).items() for m in ms])
            if not (refusal.fields or {}):
                posted.errors["steps"] = [refusal.message]
            return self._render(
                request,
                policy,
                rows=posted_rows_with_blank(posted),
                errors=posted.errors,
                status=refusal.status,
                **keep,
            )
        fresh = self.policy_or_404(pk)
        if fresh.current_version_id != policy.current_version_id:
            messages.success(request, f"Saved as version {fresh.current_version.number}.")
        else:
            messages.success(request, "Saved; the steps and conditions did not change.")
        return HttpResponseRedirect(reverse("approvals:policy-edit", args=[pk]), status=303)

    def _render(self, request, policy, *, preview_of=None, status=200, **form):
        tenant_id = request.tenant.pk
        departments = list(department_list(tenant_id=tenant_id))
        types = list(requisition_type_list(tenant_id=tenant_id))
        sample = form["sample"]
        versions = page_selectors.policy_versions(policy_id=policy.pk)
        for version in versions:
            version.conditions_words = _conditions_words(version.conditions)
        preview = None
        if preview_of is not None and departments and types:
            preview = _preview(policy, preview_of, sample, tenant_id, departments, types)
        return render(
            request,
            "approvals/policy_edit.html",
            self.page_context(
                policy=policy,
                versions=versions,
                roles=core.ROLES,
                quorums=QUORUM_CHOICES,
                vetoes=VETO_CHOICES,
                people=list(tenant_user_list(tenant_id=tenant_id).order_by("first_name", "id")),
                departments=departments,
                requisition_types=types,
                conditions_words=_conditions_words(policy.current_version.conditions),
                preview=preview,
                fact_labels=core.FACT_LABELS,
                **form,
            ),
            status=status,
        )


def _json_text(value) -> str:
    return json.dumps(value, indent=2) if value else ""


def _preview(policy, posted, sample: Sample, tenant_id, departments, types):
    """What the edited (unsaved) version would ask of the sample requisition and offer."""
    department = next((d for d in departments if str(d.pk) == sample.department_id), departments[0])
    rtype = next((t for t in types if str(t.pk) == sample.requisition_type_id), types[0])
    sample.department_id, sample.requisition_type_id = str(department.pk), str(rtype.pk)
    subject = sample_subject(
        sample, tenant_id=tenant_id, department=department, requisition_type=rtype
    )
    if sample.errors:
        return None
    if policy.subject_kind == SubjectKind.REQUISITION:
        subject = ApprovalSubject(SubjectKind.REQUISITION, requisition=subject.requisition)
    version = ApprovalPolicyVersion(
        tenant_id=tenant_id,
        policy=policy,
        number=policy.current_version.number + 1,
        conditions=posted.conditions,
        steps=posted.steps,
    )
    return approval_preview(subject=subject, policy_version=version)
