"""The pure engine: plain data in, a Decision out. No database anywhere in this module."""

from __future__ import annotations

from milestones.core import engine
from milestones.core.engine import ApplicationView, MilestoneRule, Move, Progress, decide
from milestones.core.gates import GATE_REGISTRY, Facts, gate_validate
from milestones.errors import MilestoneErrorCode as Code


def rule(code: str, order: int, **kw) -> MilestoneRule:
    return MilestoneRule(id=code.lower(), code=code, order=order, **kw)


def view(*states, rules=None, status="active", hire_type="standard") -> ApplicationView:
    rules = rules or [rule(code, i) for i, code in enumerate("ABCDE"[: len(states)], start=1)]
    return ApplicationView(
        status=status,
        hire_type=hire_type,
        progress=tuple(Progress(r, s) for r, s in zip(rules, states, strict=True)),
    )


def states_after(decision) -> dict[str, str]:
    return {change.code: change.to_state for change in decision.changes}


NO_FACTS = Facts()


def test_advance_completes_the_active_milestone_and_activates_the_next():
    decision = decide(view("active", "pending", "pending"), Move("advance"), NO_FACTS)
    assert decision.allowed
    assert (decision.kind, decision.from_code, decision.to_code) == ("advance", "A", "B")
    assert states_after(decision) == {"A": "completed", "B": "active"}


def test_advance_past_optional_milestones_skips_them():
    rules = [rule("A", 1), rule("B", 2, mandatory=False), rule("C", 3)]
    decision = decide(
        view("active", "pending", "pending", rules=rules), Move("advance", to_code="C"), NO_FACTS
    )
    assert states_after(decision) == {"A": "completed", "B": "skipped", "C": "active"}


def test_advance_past_a_mandatory_milestone_is_refused():
    decision = decide(view("active", "pending", "pending"), Move("advance", to_code="C"), NO_FACTS)
    assert not decision.allowed
    assert decision.error_code == Code.MANDATORY_MILESTONE_PENDING
    assert decision.field == "to_code"


def test_advance_to_an_earlier_milestone_is_not_a_next_milestone():
    decision = decide(
        view("completed", "active", "pending"), Move("advance", to_code="A"), NO_FACTS
    )
    assert decision.error_code == Code.NOT_A_NEXT_MILESTONE


def test_advance_to_an_unknown_code_names_to_code():
    decision = decide(view("active", "pending"), Move("advance", to_code="NOPE"), NO_FACTS)
    assert (decision.error_code, decision.field) == (Code.UNKNOWN_MILESTONE, "to_code")


def test_advance_with_an_unsatisfied_gate_is_refused_with_the_reason():
    gated = rule("A", 1, gates=({"type": "required_fields", "fields": ["candidate.email"]},))
    decision = decide(
        view("active", "pending", rules=[gated, rule("B", 2)]),
        Move("advance"),
        Facts(fields={"candidate.email": ""}),
    )
    assert decision.error_code == Code.GATE_NOT_SATISFIED
    assert "candidate.email" in decision.message


def test_advance_with_a_satisfied_gate_is_allowed():
    gated = rule("A", 1, gates=({"type": "required_fields", "fields": ["candidate.email"]},))
    decision = decide(
        view("active", "pending", rules=[gated, rule("B", 2)]),
        Move("advance"),
        Facts(fields={"candidate.email": "a@b.c"}),
    )
    assert decision.allowed


def test_milestone_completed_gate_reads_the_states_in_facts():
    gated = rule("B", 2, gates=({"type": "milestone_completed", "code": "A"},))
    progress = view("skipped", "active", "pending", rules=[rule("A", 1), gated, rule("C", 3)])
    refused = decide(progress, Move("advance"), Facts(milestone_states={"A": "skipped"}))
    allowed = decide(progress, Move("advance"), Facts(milestone_states={"A": "completed"}))
    assert refused.error_code == Code.GATE_NOT_SATISFIED
    assert allowed.allowed


def test_unknown_gate_type_never_opens():
    gated = rule("A", 1, gates=({"type": "moon_phase"},))
    decision = decide(
        view("active", "pending", rules=[gated, rule("B", 2)]), Move("advance"), NO_FACTS
    )
    assert decision.error_code == Code.GATE_NOT_SATISFIED


def test_gate_registry_ships_required_fields_and_milestone_completed():
    assert {"required_fields", "milestone_completed"} <= set(GATE_REGISTRY)
    assert gate_validate({"type": "required_fields", "fields": []})
    assert gate_validate({"type": "required_fields", "fields": ["candidate.email"]}) == []
    assert gate_validate({"type": "nope"})


def test_advance_out_of_a_terminal_milestone_ends_the_application():
    rules = [rule("A", 1), rule("HIRED", 2, terminal_kind="hired")]
    decision = decide(view("completed", "active", rules=rules), Move("advance"), NO_FACTS)
    assert decision.application_status == "hired"
    assert states_after(decision) == {"HIRED": "completed"}


def test_complete_leaves_no_milestone_active_until_the_next_advance():
    completed = decide(view("active", "pending"), Move("complete"), NO_FACTS)
    assert states_after(completed) == {"A": "completed"}
    assert completed.to_code is None
    advanced = decide(view("completed", "pending"), Move("advance"), NO_FACTS)
    assert (advanced.from_code, advanced.to_code) == (None, "B")
    assert states_after(advanced) == {"B": "active"}


def test_nothing_left_to_advance_is_milestone_not_active():
    decision = decide(view("completed", "completed"), Move("advance"), NO_FACTS)
    assert decision.error_code == Code.MILESTONE_NOT_ACTIVE


def test_skip_of_an_optional_milestone_activates_the_next():
    rules = [rule("A", 1, mandatory=False), rule("B", 2)]
    decision = decide(view("active", "pending", rules=rules), Move("skip"), NO_FACTS)
    assert states_after(decision) == {"A": "skipped", "B": "active"}


def test_skip_of_a_mandatory_milestone_is_refused():
    decision = decide(view("active", "pending"), Move("skip"), NO_FACTS)
    assert decision.error_code == Code.SKIP_NOT_ALLOWED


def test_skip_of_a_milestone_that_is_not_active_is_refused():
    rules = [rule("A", 1), rule("B", 2, mandatory=False)]
    decision = decide(view("active", "pending", rules=rules), Move("skip", to_code="B"), NO_FACTS)
    assert decision.error_code == Code.MILESTONE_NOT_ACTIVE


BYPASSABLE = rule(
    "A",
    1,
    bypass_hire_types=frozenset({"executive"}),
    bypass_roles=frozenset({"hrbp"}),
)


def test_bypass_under_its_policy_with_a_reason_is_allowed():
    decision = decide(
        view("active", "pending", rules=[BYPASSABLE, rule("B", 2)], hire_type="executive"),
        Move("bypass", actor_role="hrbp", reason="board approved"),
        NO_FACTS,
    )
    assert states_after(decision) == {"A": "bypassed", "B": "active"}


def test_bypass_for_a_hire_type_outside_the_policy_is_not_permitted():
    decision = decide(
        view("active", "pending", rules=[BYPASSABLE, rule("B", 2)], hire_type="standard"),
        Move("bypass", actor_role="hrbp", reason="why not"),
        NO_FACTS,
    )
    assert decision.error_code == Code.BYPASS_NOT_PERMITTED


def test_bypass_by_a_role_outside_the_policy_is_not_permitted():
    decision = decide(
        view("active", "pending", rules=[BYPASSABLE, rule("B", 2)], hire_type="executive"),
        Move("bypass", actor_role="recruiter", reason="why not"),
        NO_FACTS,
    )
    assert decision.error_code == Code.BYPASS_NOT_PERMITTED


def test_bypass_without_a_reason_is_refused_naming_reason():
    decision = decide(
        view("active", "pending", rules=[BYPASSABLE, rule("B", 2)], hire_type="executive"),
        Move("bypass", actor_role="hrbp", reason="  "),
        NO_FACTS,
    )
    assert (decision.error_code, decision.field) == (Code.REASON_REQUIRED, "reason")


def test_regress_reactivates_the_target_and_resets_what_followed():
    decision = decide(
        view("completed", "completed", "active", "pending"),
        Move("regress", to_code="B", reason="references fell through"),
        NO_FACTS,
    )
    assert decision.kind == "regression"
    assert states_after(decision) == {"B": "active", "C": "pending"}
    assert (decision.from_code, decision.to_code) == ("C", "B")


def test_regress_without_a_reason_is_refused():
    decision = decide(view("completed", "active"), Move("regress", to_code="A"), NO_FACTS)
    assert decision.error_code == Code.REASON_REQUIRED


def test_regress_forward_is_not_an_earlier_milestone():
    decision = decide(view("active", "pending"), Move("regress", to_code="B", reason="x"), NO_FACTS)
    assert decision.error_code == Code.NOT_AN_EARLIER_MILESTONE


def test_fail_marks_the_milestone_failed_and_rejects_the_application():
    decision = decide(view("active", "pending"), Move("fail"), NO_FACTS)
    assert states_after(decision) == {"A": "failed"}
    assert decision.application_status == "rejected"


def test_reject_stops_the_active_stay_and_rejects_the_application():
    decision = decide(
        view("completed", "active", "pending"), Move("reject", reason="No visa"), NO_FACTS
    )
    assert (decision.kind, decision.from_code, decision.to_code) == ("reject", "B", None)
    assert states_after(decision) == {"B": "stopped"}  # nothing ahead changes
    assert decision.application_status == "rejected"


def test_withdraw_ends_the_candidacy_as_withdrawn():
    decision = decide(view("active", "pending"), Move("withdraw", reason="Took a job"), NO_FACTS)
    assert (decision.kind, decision.application_status) == ("withdraw", "withdrawn")
    assert states_after(decision) == {"A": "stopped"}


def test_ending_a_candidacy_needs_a_reason_and_no_target():
    for action in ("reject", "withdraw"):
        refused = decide(view("active", "pending"), Move(action, reason=" "), NO_FACTS)
        assert (refused.error_code, refused.field) == (Code.REASON_REQUIRED, "reason")
        aimed = decide(view("active", "pending"), Move(action, to_code="B", reason="x"), NO_FACTS)
        assert aimed.field == "to_code"


def test_no_move_is_allowed_on_an_application_that_is_not_active():
    for action in engine.ACTIONS:
        decision = decide(view("active", "pending", status="withdrawn"), Move(action), NO_FACTS)
        assert decision.error_code == Code.APPLICATION_NOT_ACTIVE


def test_an_application_without_milestones_has_no_framework_version():
    decision = decide(
        ApplicationView(status="active", hire_type="standard", progress=()),
        Move("advance"),
        NO_FACTS,
    )
    assert decision.error_code == Code.NO_FRAMEWORK_VERSION


def test_engine_module_imports_no_orm():
    import ast
    import inspect

    for module in (engine, __import__("milestones.core.gates", fromlist=["x"])):
        tree = ast.parse(inspect.getsource(module))
        imported = [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ] + [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        assert not [name for name in imported if name.startswith(("django", "milestones.models"))]
