"""The pure diff of two step lists (no database): what the new version does differently."""

from __future__ import annotations

from milestones.core.diff import CHANGED, ONLY_IN_NEW, ONLY_IN_OLD, describe_step, diff_steps

T1 = "2026-03-02T10:00:00+00:00"
T4 = "2026-03-02T13:00:00+00:00"
T8 = "2026-03-02T17:00:00+00:00"


def step(kind="escalation", at=T4, rule="APPLIED level 1", rule_id=None, **kw):
    return {
        "at": at,
        "application": "a",
        "kind": kind,
        "rule": {"id": rule_id, "name": rule},
        "from_code": kw.pop("from_code", "APPLIED"),
        "to_code": kw.pop("to_code", None),
        "reason": kw.pop("reason", "APPLIED active for 4:00:00: notify recruiter"),
        **kw,
    }


def changes(differences):
    return [(d["change"], d["kind"], d["fields"]) for d in differences]


def test_identical_steps_are_no_difference_even_with_other_rule_ids():
    assert diff_steps([step(rule_id="1")], [step(rule_id="2")]) == []
    assert diff_steps([], []) == []
    old = step("auto_advance", rule_id="1", reason="rule r (1): assessment.completed")
    new = step("auto_advance", rule_id="2", reason="rule r (2): assessment.completed")
    assert diff_steps([old], [new]) == []


def test_a_step_only_in_the_old_version_or_only_in_the_new_one():
    advance = step("auto_advance", at=T1, rule="scored", to_code="SCREEN", reason="score 72")
    differences = diff_steps([step()], [advance])
    assert changes(differences) == [
        (ONLY_IN_NEW, "auto_advance", []),
        (ONLY_IN_OLD, "escalation", []),
    ]
    assert differences[0]["new"] == advance and differences[0]["old"] is None
    assert differences[0]["summary"].startswith("new: auto advance APPLIED → SCREEN (scored)")
    assert differences[1]["summary"].startswith("no longer: escalation APPLIED")


def test_the_same_level_later_is_a_change_of_time_and_reason():
    later = step(at=T8, reason="APPLIED active for 8:00:00: notify recruiter")
    [difference] = diff_steps([step()], [later])
    assert difference["change"] == CHANGED
    assert difference["fields"] == ["at", "reason"]
    assert difference["old"]["at"] == T4 and difference["new"]["at"] == T8
    assert "time 2026-03-02 13:00 UTC → 2026-03-02 17:00 UTC" in difference["summary"]


def test_the_same_rule_moving_elsewhere_is_a_change_of_target():
    old = step("auto_advance", at=T1, rule="scored", to_code="SCREEN")
    new = step("auto_advance", at=T1, rule="scored", to_code="INTERVIEW")
    [difference] = diff_steps([old], [new])
    assert difference["fields"] == ["to_code"]
    assert "target SCREEN → INTERVIEW" in difference["summary"]


def test_another_rule_of_the_same_kind_from_the_same_milestone_is_a_change_of_rule():
    old = step("auto_advance", at=T1, rule="scored 80", to_code="SCREEN")
    new = step("auto_advance", at=T1, rule="scored 70", to_code="SCREEN")
    [difference] = diff_steps([old], [new])
    assert difference["fields"] == ["rule"]
    assert "rule scored 80 → scored 70" in difference["summary"]


def test_a_refusal_instead_of_a_move_names_the_outcome():
    old = step("deadline", at=T4, rule="expiry", to_code="OFFER", reason="moved")
    new = step("deadline", at=T4, rule="expiry", to_code="OFFER", reason="moved", error_code="GATE")
    [difference] = diff_steps([old], [new])
    assert difference["fields"] == ["error_code"]
    assert "outcome allowed → GATE" in difference["summary"]


def test_same_rule_pairs_before_same_kind_and_the_rest_is_unpaired():
    old = [step(rule="APPLIED level 1"), step(at=T8, rule="APPLIED level 2")]
    new = [step(at=T8, rule="APPLIED level 2", reason="other")]
    differences = diff_steps(old, new)
    assert changes(differences) == [
        (ONLY_IN_OLD, "escalation", []),
        (CHANGED, "escalation", ["reason"]),
    ]
    assert differences[1]["old"]["rule"]["name"] == "APPLIED level 2"


def test_differences_come_in_time_order():
    old = [step(at=T8, rule="late")]
    new = [step("skip", at=T1, rule="referrals", from_code="INTERVIEW")]
    assert [d["at"] for d in diff_steps(old, new)] == [T1, T8]


def test_a_step_in_words_names_kind_codes_rule_time_and_reason():
    words = describe_step(step("failure", at=T1, rule="r", to_code="OFFER", error_code="X"))
    assert words == (
        "failure APPLIED → OFFER (r) [X], 2026-03-02 10:00 UTC: "
        "APPLIED active for 4:00:00: notify recruiter"
    )
