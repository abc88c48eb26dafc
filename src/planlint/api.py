"""planlint's public interface for plugin authors: everything a rule pack imports.

A rule extends the kind of subject it judges (`AssumptionRule`, `GoalRule`,
`FileRule` or `PlanRule`), documents itself in its docstring, and yields
`Finding`s from `judge(subject, context)`, each with the fixes it knows
(`self.finding(..., fixes=(unsafe_fix(title, Edit.replacing(span, text)),))`);
see CONTRIBUTING.md and examples/plugin/. Only the names below are promised to stay; anything else
imported from planlint may change in any release.
"""

from __future__ import annotations

from planlint.model.plan import Goal, Plan, PlanFile
from planlint.rulebook.contract import AssumptionRule, Context, FileRule, GoalRule, PlanRule, Rule
from planlint.rulebook.finding import Finding, Related, Severity
from planlint.rulebook.fixes import Edit, Fix, safe_fix, unsafe_fix

__all__ = [
    "AssumptionRule",
    "Context",
    "Edit",
    "FileRule",
    "Finding",
    "Fix",
    "Goal",
    "GoalRule",
    "Plan",
    "PlanFile",
    "PlanRule",
    "Related",
    "Rule",
    "Severity",
    "safe_fix",
    "unsafe_fix",
]
