"""The rule contract: metadata, documentation sections, and documentation that cannot drift.

Each rule's **Example** must produce its finding and its **Use instead** must
not, so the text `planlint explain` prints is checked like code.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from planlint.rulebook.contract import AssumptionRule, PlanRule, Rule, RuleContractError, contract_problems
from planlint.rulebook.documentation import DOC_SECTIONS, doc_sections, plan_examples
from planlint.rulebook.finding import Severity
from planlint.rulebook.registry import builtin_rules, load_rules
from planlint.run.config import load_config
from planlint.run.engine import lint

RULES = load_rules().rules
BUILTINS = builtin_rules()

GOOD_DOC = """Something is off.

    **What it does**

    Reports it.

    **Why is this bad?**

    Plans drift.

    **Example**

    ```plan
    team a {
    }
    ```

    **Use instead**

    ```plan
    team b {
    }
    ```
    """


def test_codes_and_names_are_unique() -> None:
    codes = Counter(rule.code for rule in RULES)
    names = Counter(rule.name for rule in RULES)
    assert [c for c, n in codes.items() if n > 1] == []
    assert [c for c, n in names.items() if n > 1] == []
    assert not set(codes) & set(names), "a code that is also a name would make selectors ambiguous"


def test_every_builtin_rule_of_the_language_exists() -> None:
    expected = {
        "unresolved-assumption",
        "value-mismatch",
        "unit-mismatch",
        "definition-mismatch",
        "conflicting-producers",
        "timing-mismatch",
        "goal-shortfall",
        "circular-derivation",
        "invalid-derivation",
        "orphan-goal",
        "unused-assumption",
        "duplicate-team",
        "syntax-error",
    }
    assert {rule.name for rule in BUILTINS} == expected


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_documentation_sections(rule: Rule) -> None:
    assert contract_problems(type(rule)) == []
    sections = doc_sections(rule.documentation())
    for title in DOC_SECTIONS:
        assert sections.get(title, "").strip(), f"{rule.name}: section {title!r} is empty"
    assert rule.summary() and not rule.summary().startswith("**")
    assert plan_examples(sections["Example"]).strip(), f"{rule.name}: Example has no ```plan block"
    assert plan_examples(sections["Use instead"]).strip(), f"{rule.name}: Use instead has no ```plan block"


def _findings_of(rule: Rule, plan_text: str, folder: Path) -> list[str]:
    """Lint one plan with `rule` selected (even a rule that is off by default); the rules that fired."""
    folder.mkdir()
    (folder / "example.plan").write_text(plan_text, encoding="utf-8")
    config = load_config(None, RULES).with_overrides(extend_select=[rule.code])
    result = lint([folder], config, cwd=folder)
    return [finding.rule for finding in result.findings]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_example_fires_and_use_instead_does_not(rule: Rule, tmp_path: Path) -> None:
    example = plan_examples(rule.section("Example"))
    better = plan_examples(rule.section("Use instead"))
    assert rule.name in _findings_of(rule, example, tmp_path / "example"), f"{rule.name}: its Example is clean"
    assert rule.name not in _findings_of(rule, better, tmp_path / "better"), f"{rule.name}: Use instead fires it"


def _judge(self, subject, context):  # noqa: ANN001, ANN202: a stand-in judgement
    return ()


def test_a_well_formed_rule_loads() -> None:
    class Fine(AssumptionRule):
        __doc__ = GOOD_DOC
        code = "XT100"
        name = "fine-rule"
        judge = _judge

    assert Fine.summary() == "Something is off."
    assert Fine.severity is Severity.ERROR
    assert Fine.subject == "assumption"


@pytest.mark.parametrize(
    "attributes, problem",
    [
        ({"code": "bad", "name": "bad-code"}, "code 'bad'"),
        ({"code": "XT101", "name": "Not_Kebab"}, "kebab-case"),
        ({"code": "XT102", "name": "no-doc", "__doc__": None}, "no docstring"),
        (
            {"code": "XT103", "name": "no-why", "__doc__": GOOD_DOC.replace("**Why is this bad?**", "**Why**")},
            "'Why is this bad?'",
        ),
        ({"code": "XT104", "name": "no-use-instead", "__doc__": GOOD_DOC.split("**Use instead**")[0]}, "'Use instead'"),
        ({"code": "XT105", "name": "bad-severity", "severity": "error"}, "severity"),
        ({"code": "XT106", "name": "no-judge", "judge": Rule.judge}, "no judge method"),
        ({"code": "XT107", "name": "no-subject", "base": Rule}, "must extend AssumptionRule"),
    ],
    ids=["code", "name", "docstring", "why-section", "use-instead-section", "severity", "judge", "subject"],
)
def test_a_rule_breaking_the_contract_cannot_be_defined(attributes: dict, problem: str) -> None:
    base = attributes.pop("base", PlanRule)
    namespace = {"__doc__": GOOD_DOC, "judge": _judge, **attributes}
    with pytest.raises(RuleContractError, match=problem.replace("?", r"\?")):
        type("Broken", (base,), namespace)


def test_an_abstract_base_is_exempt() -> None:
    class Base(PlanRule):
        abstract = True

    assert issubclass(Base, Rule)


def test_the_rule_contract_carries_no_process_machinery() -> None:
    """What a rule is owes nothing to how the engine runs it (processes, shards, caches)."""
    import inspect
    import re

    import planlint.rulebook.contract as contract

    machinery = re.compile(r"\bshard|\bshare\(|share_of|\bfork|\bprocess(es)?\b|\bcache", re.I)
    assert machinery.findall(inspect.getsource(contract)) == []
    for rule in BUILTINS:
        assert machinery.findall(inspect.getsource(type(rule))) == [], rule.name
