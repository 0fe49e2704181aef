"""Browser pages for a version's automation rules: add, edit and delete on a draft.

Each write calls one rule service; a refusal (a bad condition names its path) is shown
next to the conditions and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from ats_milestones.errors import DomainError
from milestones import services
from milestones.models import AutomationRule
from milestones.web import selectors as page_selectors
from milestones.web.forms import AutomationRuleForm
from milestones.web.versions import (
    VersionActionView,
    VersionChildActionView,
    WorkflowAdminMixin,
    version_url,
)
from tenants.access import access_denied_on_page


def _form(version, *args, **kwargs) -> AutomationRuleForm:
    codes = [definition.code for definition in version.milestones.all()]
    return AutomationRuleForm(*args, milestone_codes=codes, **kwargs)


class _RuleMixin(WorkflowAdminMixin):
    def get_rule(self, version, pk) -> AutomationRule:
        rule = page_selectors.automation_rule_get_for_editor(version=version, rule_id=pk)
        if rule is None:
            access_denied_on_page(self.request, model=AutomationRule, object_id=pk)
            raise Http404("No such automation rule.")
        return rule


class RuleAddView(VersionActionView):
    def post(self, request, pk):
        version = self.get_version(pk)
        form = _form(version, request.POST)
        if not form.is_valid():
            return self.render_page(version, rule_form=form, status=400)
        try:
            rule = services.automation_rule_create(version=version, **form.cleaned_data)
        except DomainError as exc:
            form.add_service_error(exc)
            return self.render_page(version, rule_form=form, status=exc.status)
        messages.success(request, f"Automation rule “{rule.name}” added.")
        return HttpResponseRedirect(version_url(version) + "#automation-rules")


class RuleEditView(_RuleMixin, View):
    template_name = "milestones/rule_edit.html"

    def get(self, request, pk, rule_pk):
        version = self.get_version(pk)
        rule = self.get_rule(version, rule_pk)
        return self._render(
            version, rule, _form(version, initial=AutomationRuleForm.initial_from(rule))
        )

    def post(self, request, pk, rule_pk):
        version = self.get_version(pk)
        rule = self.get_rule(version, rule_pk)
        form = _form(version, request.POST)
        if not form.is_valid():
            return self._render(version, rule, form, status=400)
        try:
            services.automation_rule_update(rule=rule, **form.cleaned_data)
        except DomainError as exc:
            form.add_service_error(exc)
            return self._render(version, rule, form, status=exc.status)
        messages.success(request, f"Automation rule “{rule.name}” saved.")
        return HttpResponseRedirect(version_url(version) + "#automation-rules")

    def _render(self, version, rule, form, status=200):
        return render(
            self.request,
            self.template_name,
            self.page_context(version=version, rule=rule, form=form),
            status=status,
        )


class RuleDeleteView(_RuleMixin, VersionChildActionView):
    def post(self, request, pk, rule_pk):
        version = self.get_version(pk)
        rule = self.get_rule(version, rule_pk)
        try:
            services.automation_rule_delete(rule=rule)
        except DomainError as exc:
            return self.refused(pk, exc)
        messages.success(request, f"Automation rule “{rule.name}” deleted.")
        return HttpResponseRedirect(version_url(version) + "#automation-rules")
