"""Browser pages of the workflow editor: tenant admins design frameworks and their versions.

Every write is a POST that calls one framework service; a refusal is shown on the page
and nothing is written (the services are atomic).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from ats_milestones.errors import DomainError
from milestones import services
from milestones.models import Framework, FrameworkVersion, MilestoneDefinition
from milestones.web import selectors as page_selectors
from milestones.web.forms import (
    AutomationRuleForm,
    FrameworkCreateForm,
    MilestoneDefinitionForm,
    PilotForm,
    form_add_domain_error,
)
from milestones.web.sections import sandbox_context, timer_context
from tenants.access import access_denied_on_page
from tenants.permissions import Capability
from tenants.views import TenantPageMixin


class WorkflowAdminMixin(TenantPageMixin):
    """Only roles that configure workflows (admins) see or edit them; everyone else 403."""

    read_capability = write_capability = Capability.CONFIGURE_WORKFLOWS

    def get_version(self, pk):
        version = page_selectors.framework_version_get_for_editor(version_id=pk)
        if version is None:
            access_denied_on_page(self.request, model=FrameworkVersion, object_id=pk)
            raise Http404("No such workflow version.")
        return version

    def get_definition(self, version, pk):
        definition = page_selectors.milestone_definition_get_for_editor(
            version=version, definition_id=pk
        )
        if definition is None:
            access_denied_on_page(self.request, model=MilestoneDefinition, object_id=pk)
            raise Http404("No such milestone.")
        return definition


def version_url(version) -> str:
    return reverse("workflows:version-detail", kwargs={"pk": version.pk})


class FrameworkListView(WorkflowAdminMixin, View):
    template_name = "milestones/framework_list.html"

    def get(self, request):
        return self._render(
            FrameworkCreateForm(requisition_types=page_selectors.requisition_type_choices())
        )

    def post(self, request):
        form = FrameworkCreateForm(
            request.POST, requisition_types=page_selectors.requisition_type_choices()
        )
        if form.is_valid():
            try:
                framework = services.framework_create(
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    requisition_type_ids=[t.pk for t in form.cleaned_data["requisition_types"]],
                )
                draft = services.framework_version_create_draft(framework=framework)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, f"Framework “{framework.name}” created with a draft.")
                return HttpResponseRedirect(version_url(draft))
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            self.page_context(
                frameworks=page_selectors.framework_list_for_editor(), create_form=form
            ),
            status=status,
        )


class FrameworkNewDraftView(WorkflowAdminMixin, View):
    def post(self, request, pk):
        framework = page_selectors.framework_get_for_editor(framework_id=pk)
        if framework is None:
            access_denied_on_page(request, model=Framework, object_id=pk)
            raise Http404("No such framework.")
        draft = services.framework_version_create_draft(framework=framework)
        messages.success(request, f"Draft version {draft.number} created.")
        return HttpResponseRedirect(version_url(draft))


class VersionDetailView(WorkflowAdminMixin, View):
    template_name = "milestones/version_detail.html"

    def get(self, request, pk):
        return self.render_page(self.get_version(pk))

    def render_page(
        self,
        version,
        *,
        milestone_form=None,
        pilot_form=None,
        rule_form=None,
        error=None,
        sandbox=None,
        status=200,
    ):
        context = {
            "version": version,
            "page_error": error,
            "rules": page_selectors.automation_rule_list_for_editor(version=version),
        }
        if version.is_editable:
            context["milestone_form"] = milestone_form or MilestoneDefinitionForm()
            context["pilot_form"] = pilot_form or PilotForm(
                departments=page_selectors.department_choices()
            )
            context["rule_form"] = rule_form or AutomationRuleForm(
                milestone_codes=[m.code for m in version.milestones.all()]
            )
        context.update(timer_context(version))
        context.update(sandbox_context(context, **(sandbox or {})))
        return render(self.request, self.template_name, self.page_context(**context), status=status)


class VersionCopyToDraftView(WorkflowAdminMixin, View):
    def post(self, request, pk):
        draft = services.framework_version_copy_to_draft(version=self.get_version(pk))
        messages.success(request, f"Copied to draft version {draft.number}.")
        return HttpResponseRedirect(version_url(draft))


class VersionActionView(VersionDetailView):
    """A POST on a version; a refusal re-renders the version page with the message on top."""

    def refused(self, pk, exc: DomainError, **forms):
        version = self.get_version(pk)
        return self.render_page(version, error=exc, status=exc.status, **forms)


class VersionChildActionView(VersionActionView):
    """A POST on one milestone or rule of a version. Only POST: the version page's GET,
    which it would inherit, takes no second id (a GET here answered 500)."""

    http_method_names = ["post", "options"]


class MilestoneAddView(VersionActionView):
    def post(self, request, pk):
        version = self.get_version(pk)
        form = MilestoneDefinitionForm(request.POST)
        if not form.is_valid():
            return self.render_page(version, milestone_form=form, status=400)
        try:
            definition = services.milestone_definition_create(
                version=version, **form.service_data()
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.render_page(version, milestone_form=form, status=exc.status)
        messages.success(request, f"Milestone {definition.code} added.")
        return HttpResponseRedirect(version_url(version))


class MilestoneEditView(WorkflowAdminMixin, View):
    template_name = "milestones/milestone_edit.html"

    def get(self, request, pk, milestone_pk):
        version = self.get_version(pk)
        definition = self.get_definition(version, milestone_pk)
        form = MilestoneDefinitionForm(initial=MilestoneDefinitionForm.initial_from(definition))
        return self._render(version, definition, form)

    def post(self, request, pk, milestone_pk):
        version = self.get_version(pk)
        definition = self.get_definition(version, milestone_pk)
        form = MilestoneDefinitionForm(request.POST)
        if form.is_valid():
            try:
                services.milestone_definition_update(definition=definition, **form.service_data())
            except DomainError as exc:
                form_add_domain_error(form, exc)
                return self._render(version, definition, form, status=exc.status)
            messages.success(request, f"Milestone {form.cleaned_data['code']} saved.")
            return HttpResponseRedirect(version_url(version))
        return self._render(version, definition, form, status=400)

    def _render(self, version, definition, form, status=200):
        return render(
            self.request,
            self.template_name,
            self.page_context(version=version, definition=definition, form=form),
            status=status,
        )


class MilestoneDeleteView(VersionChildActionView):
    def post(self, request, pk, milestone_pk):
        version = self.get_version(pk)
        definition = self.get_definition(version, milestone_pk)
        try:
            services.milestone_definition_delete(definition=definition)
        except DomainError as exc:
            return self.refused(pk, exc)
        messages.success(request, f"Milestone {definition.code} deleted.")
        return HttpResponseRedirect(version_url(version))


class MilestoneMoveView(VersionChildActionView):
    """Move one milestone a place up or down: a reorder of the whole list by the service."""

    def post(self, request, pk, milestone_pk):
        version = self.get_version(pk)
        definition = self.get_definition(version, milestone_pk)
        codes = [d.code for d in version.milestones.all()]
        index = codes.index(definition.code)
        target = index - 1 if request.POST.get("direction") == "up" else index + 1
        if 0 <= target < len(codes):
            codes[index], codes[target] = codes[target], codes[index]
            try:
                services.milestone_definitions_reorder(version=version, codes=codes)
            except DomainError as exc:
                return self.refused(pk, exc)
        return HttpResponseRedirect(version_url(version))


class VersionPublishView(VersionActionView):
    def post(self, request, pk):
        try:
            version = services.framework_version_publish(version=self.get_version(pk))
        except DomainError as exc:
            return self.refused(pk, exc)
        messages.success(request, f"Version {version.number} is now active.")
        return HttpResponseRedirect(version_url(version))


class VersionPilotView(VersionActionView):
    def post(self, request, pk):
        version = self.get_version(pk)
        form = PilotForm(request.POST, departments=page_selectors.department_choices())
        if not form.is_valid():
            return self.render_page(version, pilot_form=form, status=400)
        try:
            version = services.framework_version_pilot(
                version=version, department_ids=[d.pk for d in form.cleaned_data["departments"]]
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.render_page(version, pilot_form=form, error=exc, status=exc.status)
        messages.success(request, f"Version {version.number} is piloting.")
        return HttpResponseRedirect(version_url(version))
