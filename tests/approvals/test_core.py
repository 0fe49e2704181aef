"""The pure rules of approvals: step shapes, resolution, extensions, words."""

import pytest

from approvals import core


def _step(**kw):
    return {"name": "S", "approvers": [{"role": "hrbp"}], **kw}


@pytest.mark.parametrize(
    ("step", "path"),
    [
        ({"name": "", "approvers": [{"role": "hrbp"}]}, "steps[0].name"),
        (_step(approvers=[]), "steps[0].approvers"),
        (_step(approvers=[{"role": "ceo"}]), "steps[0].approvers[0].role"),
        (_step(approvers=[{"user": "me"}]), "steps[0].approvers[0].user"),
        (_step(quorum="most"), "steps[0].quorum"),
        (_step(quorum="n_of_m", n=3), "steps[0].n"),
        (_step(veto="never"), "steps[0].veto"),
        (
            _step(condition={"fact": "offer.bogus", "op": "eq", "value": 1}),
            "steps[0].condition.fact",
        ),
    ],
)
def test_a_bad_step_names_its_path(step, path):
    assert path in [p for p, _ in core.steps_problems([step])]


def test_valid_steps_have_no_problems():
    steps = [
        _step(
            name="A",
            quorum="n_of_m",
            n=1,
            condition={"fact": "hire.executive", "op": "eq", "value": True},
        ),
        _step(name="B", veto="majority", parallel_with_next=True),
    ]
    assert core.steps_problems(steps) == []


@pytest.mark.parametrize(
    ("quorum", "n", "veto", "total", "approved", "declined", "outcome"),
    [
        ("all", 1, "any", 2, 1, 0, None),
        ("all", 1, "any", 2, 2, 0, "approved"),
        ("any", 1, "any", 3, 1, 0, "approved"),
        ("n_of_m", 2, "any", 3, 2, 0, "approved"),
        ("n_of_m", 2, "any", 3, 1, 1, "declined"),
        ("n_of_m", 2, "majority", 4, 1, 1, None),
        ("n_of_m", 2, "majority", 4, 0, 3, "declined"),
        ("any", 1, "majority", 3, 0, 1, None),
        ("all", 1, "majority", 3, 1, 1, "declined"),  # all can no longer be met
    ],
)
def test_step_outcome(quorum, n, veto, total, approved, declined, outcome):
    assert (
        core.step_outcome(
            quorum=quorum, n=n, veto=veto, total=total, approved=approved, declined=declined
        )
        == outcome
    )


def test_an_extension_may_add_steps_and_raise_the_quorum():
    template = [_step(name="A", quorum="any", approvers=[{"role": "hrbp"}, {"role": "recruiter"}])]
    stricter = [
        _step(name="A", quorum="all", approvers=[{"role": "hrbp"}, {"role": "recruiter"}]),
        _step(name="Finance"),
    ]
    assert core.extension_problems(template, stricter) == []


@pytest.mark.parametrize(
    ("extension", "path"),
    [
        ([_step(name="Other")], "steps"),
        (
            [_step(name="A", quorum="any", approvers=[{"role": "hrbp"}, {"role": "recruiter"}])],
            "steps[0].quorum",
        ),
        (
            [_step(name="A", approvers=[{"role": "recruiter"}, {"role": "department_head"}])],
            "steps[0].approvers",
        ),
        (
            [_step(name="A", approvers=[{"role": "hrbp"}, {"role": "recruiter"}], veto="majority")],
            "steps[0].veto",
        ),
    ],
)
def test_an_extension_may_not_weaken_its_template(extension, path):
    template = [_step(name="A", approvers=[{"role": "hrbp"}, {"role": "recruiter"}])]
    assert path in [p for p, _ in core.extension_problems(template, extension)]


def test_parallel_steps_share_a_group():
    assert core.groups_of([False, True, False, False]) == [1, 2, 2, 3]


def test_a_step_description_states_quorum_and_veto():
    assert core.step_description(quorum="all", n=1, veto="any", total=2) == (
        "Needs all 2 approvals; any rejection declines."
    )
    assert core.step_description(quorum="n_of_m", n=2, veto="majority", total=3) == (
        "Needs 2 of 3 approvals; declined only if a majority rejects."
    )


def test_conditions_read_as_words():
    expr = {
        "all": [
            {"fact": "offer.salary_vs_band", "op": "eq", "value": "above"},
            {"fact": "hire.executive", "op": "eq", "value": True},
        ]
    }
    assert core.condition_words(expr) == (
        "the salary against the requisition's band is above and it is an executive hire"
    )


def test_a_finished_round_moves_only_from_approved_to_voided():
    assert core.round_may_become("requested", "declined")
    assert core.round_may_become("approved", "voided")
    assert not core.round_may_become("approved", "declined")
    assert not core.round_may_become("voided", "requested")
