"""The rule contract: one class per rule, its documentation in its docstring.

A rule declares its code, name, default severity, groups and options, and a
`check` generator that yields findings; the engine decides what is enabled,
at what severity, and what is silenced. `__init_subclass__` refuses a rule
that breaks the contract, so a broken rule cannot load.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Iterator, Sequence, TypeVar

from planlint.analysis.evaluate import Evaluator
from planlint.rulebook.finding import Finding, Related, RuleInfo, Severity
from planlint.analysis.graph import InterlockGraph, share_of
from planlint.model.plan import Plan
from planlint.language.span import Span

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
_CODE = re.compile(r"^[A-Z]{1,4}[0-9]{3,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
T = TypeVar("T")


class RuleContractError(TypeError):
    """A rule class that cannot be loaded as written."""


@dataclass
class Context:
    """What a rule reads: the plan, its graph, what producers deliver, and its options."""

    plan: Plan
    graph: InterlockGraph
    evaluator: Evaluator
    tolerance: Fraction = Fraction(1, 10)
    fiscal_year_start: int = 1
    options: dict[str, Any] = field(default_factory=dict)
    shard: tuple[int, int] = (0, 1)  # (index, count): the part of its work a `shardable` rule does

    def share(self, items: Sequence[T]) -> Sequence[T]:
        """The part of `items` this run of the rule looks at: all of them, unless the engine runs
        a `shardable` rule in several processes at once, each on its part."""
        return share_of(items, self.shard)


class Rule:
    """Base class of every rule, built-in or from a plugin."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    groups: ClassVar[tuple[str, ...]] = ()
    enabled_by_default: ClassVar[bool] = True
    options_schema: ClassVar[dict] = {}
    option_defaults: ClassVar[dict] = {}
    origin: ClassVar[str] = "planlint"
    # True when `check` looks only at `context.share(...)` of its items (or hands `context.shard`
    # on): the engine may then run the rule in two processes at once on a large plan, each on its
    # share, with the same findings as one run on everything.
    shardable: ClassVar[bool] = False

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

    # Checking --------------------------------------------------------------

    def check(self, context: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, span: Span, message: str, *, help: str = "", related: tuple[Related, ...] = (),
                subject: str = "", teams: tuple[str, ...] = (), severity: Severity | None = None) -> Finding:
        return Finding(self.code, self.name, severity or self.severity, span, message, help,
                       related, subject, tuple(sorted(set(teams))))


def doc_sections(doc: str) -> dict[str, str]:
    """`**What it does**` ... -> {"What it does": "..."} (Markdown bold headings)."""
    sections: dict[str, str] = {}
    current = None
    for line in doc.splitlines():
        heading = re.fullmatch(r"\s*(?:\*\*|#+\s*)(.+?)(?:\*\*)?\s*", line)
        if heading and heading.group(1).strip() in DOC_SECTIONS + ("Options", "References"):
            current = heading.group(1).strip()
            sections[current] = ""
        elif current:
            sections[current] += line + "\n"
    return {title: text.strip() for title, text in sections.items()}


def plan_examples(section_text: str) -> str:
    """The plan text of a section's fenced code blocks, joined."""
    return "\n".join(re.findall(r"```(?:plan)?\n(.*?)```", section_text, flags=re.S))


def contract_problems(cls: type) -> list[str]:
    problems = []
    code, name = getattr(cls, "code", ""), getattr(cls, "name", "")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(f"code {code!r} must look like PL102 (letters, then digits)")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(f"name {name!r} must be kebab-case, like value-mismatch")
    if not isinstance(getattr(cls, "severity", None), Severity):
        problems.append("severity must be a Severity")
    doc = inspect.cleandoc(cls.__doc__ or "")
    if not doc:
        problems.append("it has no docstring")
    else:
        missing = [title for title in DOC_SECTIONS if title not in doc_sections(doc)]
        if missing:
            problems.append("its docstring lacks the sections " + ", ".join(repr(m) for m in missing))
    return problems
