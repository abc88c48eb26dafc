"""The rule contract: one class per rule, its documentation in its docstring.

A rule judges one kind of subject, and says which by the base class it
extends:

- `AssumptionRule`: an assumption or metric name, from the statements that
  name it and, for a derived name, everything its value is computed from;
- `GoalRule`: one goal, from its metric's derivation (everything its value is
  computed from, and the statements that name those) and whether it feeds the
  org's shared goals;
- `FileRule`: one plan file as read, and where else its blocks are declared;
- `PlanRule`: the plan as a whole.

What a kind says a judgement reads is what the engine watches: after an
edit it judges again only the subjects whose reading changed. A rule asks
the graph about names through its methods (`producer`, `producers_of`,
`consumptions_of`, `goals_for`, `cycle_of`, `first_declaration`, ...).

A rule declares its code, name, default severity, groups and options, and a
`judge` method that yields findings about its subject; the engine decides
which subjects there are, what is enabled, at what severity, what is
silenced, and what it can reuse from an earlier run. `__init_subclass__`
refuses a rule that breaks the contract, so a broken rule cannot load.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Generic, TypeVar

from planlint.analysis.evaluate import Evaluator
from planlint.analysis.graph import InterlockGraph
from planlint.analysis.guidance import Guidance
from planlint.analysis.interlock import Interlock
from planlint.language.span import Span
from planlint.model.plan import Goal, Plan, PlanFile
from planlint.rulebook.documentation import DOC_SECTIONS, doc_sections
from planlint.rulebook.finding import Finding, Related, RuleInfo, Severity
from planlint.rulebook.fixes import Fix

_CODE = re.compile(r"^[A-Z]{1,4}[0-9]{3,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SUBJECTS = ("assumption", "goal", "file", "plan")
S = TypeVar("S")


class RuleContractError(TypeError):
    """A rule class that cannot be loaded as written."""


@dataclass
class Context:
    """What a rule reads besides its subject: the plan, its graph, what producers deliver, how each
    consumer's assumption meets its producer, and the rule's settings and options."""

    plan: Plan
    graph: InterlockGraph
    evaluator: Evaluator
    tolerance: Fraction = Fraction(1, 10)
    fiscal_year_start: int = 1
    options: dict[str, Any] = field(default_factory=dict)
    interlock: Interlock = None  # type: ignore[assignment]  # made from the above when not given

    def __post_init__(self) -> None:
        if self.interlock is None:
            self.interlock = Interlock(self.graph, self.evaluator, self.tolerance)


class Rule(Generic[S]):
    """Base class of every rule, built-in or from a plugin: extend the kind below that names what
    the rule judges."""

    subject: ClassVar[str]  # one of SUBJECTS, set by the kinds below
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    groups: ClassVar[tuple[str, ...]] = ()
    enabled_by_default: ClassVar[bool] = True
    options_schema: ClassVar[dict[str, Any]] = {}
    option_defaults: ClassVar[dict[str, Any]] = {}
    origin: ClassVar[str] = "planlint"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if inspect.isabstract(cls) or cls.__dict__.get("abstract", False):
            return
        problems = contract_problems(cls)
        if problems:
            raise RuleContractError(f"rule {cls.__module__}.{cls.__qualname__}: " + "; ".join(problems))

    # Metadata as the config and the outputs read it ------------------------

    @property
    def default_severity(self) -> Severity:
        return self.severity

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.documentation().splitlines()[0].strip()

    @classmethod
    def info(cls) -> RuleInfo:
        body = cls.documentation().split("\n", 1)[1].strip() if "\n" in cls.documentation() else ""
        return RuleInfo(cls.code, cls.name, cls.summary(), body, cls.severity, cls.origin)

    @classmethod
    def section(cls, title: str) -> str:
        """The text of one documentation section (without its heading)."""
        return doc_sections(cls.documentation()).get(title, "")

    # Judging ---------------------------------------------------------------

    def judge(self, subject: S, context: Context) -> Iterable[Finding]:
        """The findings about `subject` (an empty iterable when there are none)."""
        raise NotImplementedError

    def finding(
        self,
        span: Span,
        message: str,
        *,
        help: str = "",
        related: tuple[Related, ...] = (),
        subject: str = "",
        teams: tuple[str, ...] = (),
        severity: Severity | None = None,
        fixes: tuple[Fix, ...] = (),
        guidance: Guidance | None = None,
    ) -> Finding:
        return Finding(
            self.code,
            self.name,
            severity or self.severity,
            span,
            message,
            help,
            related,
            subject,
            tuple(sorted(set(teams))),
            fixes,
            guidance=guidance,
        )


class AssumptionRule(Rule[str]):
    """Judges one assumption or metric name: its producers, its consumers, and for a derived name
    what it is computed from. `judge(name, context)`."""

    subject = "assumption"
    abstract = True


class GoalRule(Rule[Goal]):
    """Judges one goal (of a team or the org), through its metric's derivation. `judge(goal, context)`."""

    subject = "goal"
    abstract = True


class FileRule(Rule[PlanFile]):
    """Judges one plan file as it was read. `judge(plan_file, context)`."""

    subject = "file"
    abstract = True


class PlanRule(Rule[Plan]):
    """Judges the plan as a whole: what only shows across every block. `judge(plan, context)`."""

    subject = "plan"
    abstract = True


def contract_problems(cls: type) -> list[str]:
    problems = []
    code, name = getattr(cls, "code", ""), getattr(cls, "name", "")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(f"code {code!r} must look like PL102 (letters, then digits)")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(f"name {name!r} must be kebab-case, like value-mismatch")
    if not isinstance(getattr(cls, "severity", None), Severity):
        problems.append("severity must be a Severity")
    if getattr(cls, "subject", None) not in SUBJECTS:
        problems.append("it must extend AssumptionRule, GoalRule, FileRule or PlanRule (what it judges)")
    if getattr(cls, "judge", None) is Rule.judge:
        problems.append("it has no judge method")
    doc = inspect.cleandoc(cls.__doc__ or "")
    if not doc:
        problems.append("it has no docstring")
    else:
        missing = [title for title in DOC_SECTIONS if title not in doc_sections(doc)]
        if missing:
            problems.append("its docstring lacks the sections " + ", ".join(repr(m) for m in missing))
    return problems
