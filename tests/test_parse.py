"""The parser: every value kind, expressions, friendly syntax errors, spans and suppressions."""

from __future__ import annotations

from fractions import Fraction

import pytest

from planlint.language import quantity as q
from planlint.language.source import suppressions
from planlint.model.parse import parse_bytes, parse_text
from planlint.model.plan import (
    Amount,
    Binary,
    Consumes,
    Derive,
    Goal,
    Literal,
    Negate,
    Owner,
    Produces,
    Reference,
    Text,
    When,
)

LEADS = q.count_unit("leads")


def parsed(body: str):
    plan_file = parse_text("t.plan", f"team t {{\n  {body}\n}}\n")
    assert plan_file.problem is None, plan_file.problem
    return plan_file.blocks[0].statements[0]


def problem(source: str | bytes):
    data = source.encode("utf-8") if isinstance(source, str) else source
    plan_file = parse_bytes("t.plan", data)
    assert plan_file.problem is not None, "expected a syntax error"
    return plan_file.problem


def value(text: str):
    return parsed(f"produces x.y = {text}").value


def point(amount, unit: q.Unit = q.NUMBER) -> q.Quantity:
    return q.Quantity.point(Fraction(amount), unit)


# Values -------------------------------------------------------------------

PER_YEAR = q.per_period(LEADS, "year")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4000", point(4000)),
        ("24k", point(24_000)),
        ("1.5M", point(1_500_000)),
        ("2B", point(2 * 10**9)),
        ("4,000", point(4000)),
        ("0.25", point(Fraction(1, 4))),
        ("$24k", point(24_000, q.money_unit("USD"))),
        ("€10M", point(10**7, q.money_unit("EUR"))),
        ("24000 USD", point(24_000, q.money_unit("USD"))),
        ("£3M", point(3 * 10**6, q.money_unit("GBP"))),
        ("16%", point(Fraction(16, 100), q.PERCENT)),
        ("4000 leads", point(4000, LEADS)),
        ("12 reps", point(12, q.count_unit("reps"))),
        ("45 days", point(Fraction(45, 365), q.count_unit("days"))),
        ("4000 leads/year", point(4000, PER_YEAR)),
        ("$20M/year", point(2 * 10**7, q.per_period(q.money_unit("USD"), "year"))),
        ("500 leads/month", point(6000, q.per_period(LEADS, "month"))),
        ("100 leads/quarter", point(400, q.per_period(LEADS, "quarter"))),
        ("7 leads/week", point(365, q.per_period(LEADS, "week"))),
        ("2 leads / days", point(730, q.per_period(LEADS, "day"))),
    ],
)
def test_every_value_kind_parses_to_its_quantity(text: str, expected: q.Quantity) -> None:
    amount = value(text)
    assert isinstance(amount, Amount) and not amount.is_range and amount.tolerance is None
    assert amount.quantity == expected


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("14% .. 18%", Fraction(14, 100), Fraction(18, 100), q.PERCENT),
        ("$20k .. $30k", 20_000, 30_000, q.money_unit("USD")),
        ("$30k..$20k", 20_000, 30_000, q.money_unit("USD")),  # either order
        ("300 leads/month .. 400 leads/month", 3600, 4800, q.per_period(LEADS, "month")),
    ],
)
def test_ranges(text: str, low, high, unit: q.Unit) -> None:
    amount = value(text)
    assert amount.is_range and amount.quantity == q.Quantity(Fraction(low), Fraction(high), unit)


@pytest.mark.parametrize(
    ("text", "tolerance"),
    [
        ("$50k ± 10%", q.Tolerance(Fraction(1, 10), relative=True)),
        ("$50k +/- 5k", q.Tolerance(Fraction(5000), relative=False)),
        ("20% ± 2%", q.Tolerance(Fraction(2, 100), relative=False)),
    ],
)
def test_tolerances(text: str, tolerance: q.Tolerance) -> None:
    assert value(text).tolerance == tolerance


def test_text_and_dates() -> None:
    assert value('"SQL: score >= 60"') == Text("SQL: score >= 60", value('"SQL: score >= 60"').span)
    assert value("2027-Q3").date == q.PlanDate(2027, quarter=3)
    assert value("2027-07").date == q.PlanDate(2027, month=7)
    assert value("2027-07-15").date == q.PlanDate(2027, month=7, day=15)
    assert isinstance(value("2027-07"), When)


def test_statements() -> None:
    plan_file = parse_text(
        "t.plan",
        """team sales {
  owner "@acme/sales"
  goal sales.revenue >= $20M/year
  consumes leads.volume >= 2000 leads/year by 2027-Q2
  consumes leads.win_rate in 15% .. 25%
  consumes launch.widget_x by 2027-Q2
  produces leads.definition = "SQL"
  produces launch.site by 2027-07-15
  derive sales.revenue = leads.volume * leads.win_rate
}
org acme {
  goal acme.revenue >= $50M/year
}
""",
    )
    assert plan_file.problem is None
    sales, acme = plan_file.blocks
    assert (sales.kind, sales.name, acme.kind, acme.is_org) == ("team", "sales", "org", True)
    kinds = [type(s) for s in sales.statements]
    assert kinds == [Owner, Goal, Consumes, Consumes, Consumes, Produces, Produces, Derive]
    assert sales.owners == ["@acme/sales"]
    consumes = sales.statements[2]
    assert consumes.requirement.op == ">=" and consumes.by == q.PlanDate(2027, quarter=2)
    assert sales.statements[3].requirement.op == "in" and sales.statements[3].requirement.value.is_range
    assert sales.statements[4].requirement is None
    assert all(s.team == "sales" for s in sales.statements if not isinstance(s, Owner))


# Expressions --------------------------------------------------------------


def expression(text: str):
    return parsed(f"derive x.y = {text}").expr


def shape(expr) -> object:
    """An expression as nested tuples: ('+', 'a.b', ('*', ...)); literals as their value."""
    if isinstance(expr, Reference):
        return expr.name
    if isinstance(expr, Literal):
        return expr.amount.quantity.lo
    if isinstance(expr, Negate):
        return ("neg", shape(expr.operand))
    assert isinstance(expr, Binary)
    return (expr.op, shape(expr.left), shape(expr.right))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a.b + c.d * e.f", ("+", "a.b", ("*", "c.d", "e.f"))),
        ("(a.b + c.d) * e.f", ("*", ("+", "a.b", "c.d"), "e.f")),
        ("a.b - c.d - e.f", ("-", ("-", "a.b", "c.d"), "e.f")),
        ("a.b / c.d / e.f", ("/", ("/", "a.b", "c.d"), "e.f")),
        ("a.b * c.d / e.f", ("/", ("*", "a.b", "c.d"), "e.f")),
        ("-a.b * c.d", ("*", ("neg", "a.b"), "c.d")),
        ("a.b - -2", ("-", "a.b", ("neg", 2))),
        ("((a.b))", "a.b"),
        ("2027-07", ("-", 2027, 7)),  # in a derive, a date-like text is a subtraction
        ("2027-07-15", ("-", ("-", 2027, 7), 15)),
        ("a.b * 12 months", ("*", "a.b", Fraction(1))),
        ("5 / days.total", ("/", 5, "days.total")),  # `/ days` before a dot is no period
        ("a.b-c.d", ("-", "a.b", "c.d")),
    ],
)
def test_expressions_precedence_and_parentheses(text: str, expected) -> None:
    assert shape(expression(text)) == expected


# Friendly syntax errors -----------------------------------------------------


@pytest.mark.parametrize(("written", "hint"), [("$5m", "write '$5M'"), ("5m", "write '5M'"), ("€2mm", "write '€2M'")])
def test_lowercase_m_is_refused_with_a_hint(written: str, hint: str) -> None:
    found = problem(f"team t {{\n  produces x.y = {written}\n}}\n")
    assert "ambiguous" in found.message and "million" in found.message
    assert found.help.startswith(hint)
    assert (found.span.line, found.span.column, found.span.end_column) == (2, 18, 18 + len(written))


def test_doubled_suffix_is_not_a_number() -> None:
    found = problem("team t {\n  produces x.y = 24kk\n}\n")
    assert found.message == "'24kk' is not a number planlint can read"
    assert "k, M or B" in found.help
    assert (found.span.line, found.span.column) == (2, 18)


def test_a_unit_glued_to_its_number_gets_a_hint() -> None:
    assert "'24 leads'" in problem("team t {\n  produces x.y = 24leads\n}\n").help


@pytest.mark.parametrize(
    ("line", "word", "keyword"),
    [
        ("  consume x.y = 5", "consume", "consumes"),
        ("  produce x.y = 5", "produce", "produces"),
        ("  derives x.y = a.b", "derives", "derive"),
        ('  owners "@a"', "owners", "owner"),
        ("  goall x.y >= 5", "goall", "goal"),
        ("  Produces x.y = 5", "Produces", "produces"),
    ],
)
def test_misspelt_keywords_get_a_did_you_mean(line: str, word: str, keyword: str) -> None:
    found = problem(f"team t {{\n{line}\n}}\n")
    assert found.message == f"unknown keyword '{word}'; did you mean '{keyword}'?"
    assert (found.span.line, found.span.column, found.span.end_column) == (2, 3, 3 + len(word))


def test_misspelt_block_keyword() -> None:
    found = problem("tema sales {\n}\n")
    assert "did you mean 'team'" in found.message and (found.span.line, found.span.column) == (1, 1)


@pytest.mark.parametrize("ending", ["\n", "\n\n\n", ""])
def test_an_unclosed_block_is_reported_at_the_end_naming_the_team(ending: str) -> None:
    source = "team alpha {\n  produces x.y = 5\n}\nteam beta {\n  produces x.z = 5" + ending
    found = problem(source)
    assert "'}'" in found.message and "team beta" in found.message and "line 4" in found.message
    lines = source.split("\n")
    assert (found.span.line, found.span.column) == (len(lines), len(lines[-1]) + 1)


def test_a_value_problem_says_what_was_expected_in_words() -> None:
    found = problem("team t {\n  produces x.y = 5 5\n}\n")
    assert "RBRACE" not in found.message and "_NL" not in found.message
    assert "the end of the line" in found.message


@pytest.mark.parametrize(
    ("text", "fragment"), [("2027-13", "no month 13"), ("2027-02-30", "not a day"), ("0999-01-01", "too early")]
)
def test_impossible_dates_are_refused(text: str, fragment: str) -> None:
    assert fragment in problem(f"team t {{\n  produces x.y = {text}\n}}\n").message


# Spans --------------------------------------------------------------------

SOURCE = "team t {\n\tproduces x.y = $5m\n  consumes a.b >= 5 leads  # note\n}\n"


@pytest.mark.parametrize(
    ("name", "transform"),
    [
        ("lf", lambda s: s),
        ("crlf", lambda s: s.replace("\n", "\r\n")),
        ("cr", lambda s: s.replace("\n", "\r")),
        ("bom", lambda s: "\ufeff" + s),
        ("bom-crlf", lambda s: "\ufeff" + s.replace("\n", "\r\n")),
    ],
)
def test_spans_survive_line_endings_tabs_and_bom(name: str, transform) -> None:
    found = problem(transform(SOURCE))
    assert (found.span.line, found.span.column, found.span.end_line, found.span.end_column) == (2, 17, 2, 20)
    good = parse_bytes("t.plan", transform(SOURCE.replace("$5m", "$5M")).encode("utf-8"))
    assert good.problem is None
    produces, consumes = good.blocks[0].statements
    assert (produces.span.line, produces.span.column, produces.span.end_column) == (2, 2, 20)
    assert (consumes.span.line, consumes.span.column, consumes.span.end_line, consumes.span.end_column) == (3, 3, 3, 26)
    assert consumes.requirement.value.span.column == 19
    assert good.lines[2] == "  consumes a.b >= 5 leads  # note"


def test_expression_spans() -> None:
    derive = parsed("derive x.y = (a.b + 2) * c.d")
    assert (derive.span.column, derive.span.end_column) == (3, 31)
    left = derive.expr.left
    assert (left.span.column, left.span.end_column) == (17, 24)  # parentheses are not part of the sum
    assert (derive.expr.right.span.column, derive.expr.right.span.end_column) == (28, 31)


def test_non_utf8_is_located_at_the_first_bad_byte_in_characters() -> None:
    found = problem('team t {\r\n  owner "café'.encode() + b'\xe9"\n}\n')
    assert (found.span.line, found.span.column) == (2, 14)
    assert "not UTF-8" in found.message and "0xe9" in found.message


# Suppressions -------------------------------------------------------------


def test_suppression_comments() -> None:
    lines = [
        "  consumes a.b = 5  # planlint: ignore[value-mismatch]",
        "  consumes a.b = 5  # planlint: ignore[value-mismatch, PL105 ]",
        "  consumes a.b = 5  # planlint: ignore",
        '  produces a.c = "see # planlint: ignore[value-mismatch]"',
        '  produces a.c = "x"  #planlint:ignore[unit-mismatch]',
        "  consumes a.b = 5  # an ordinary comment",
    ]
    assert suppressions(lines) == {
        1: frozenset({"value-mismatch"}),
        2: frozenset({"value-mismatch", "pl105"}),
        3: frozenset(),
        5: frozenset({"unit-mismatch"}),
    }


def test_a_hash_inside_quotes_is_no_comment() -> None:
    produces = parsed('produces a.c = "score # 60"  # a comment')
    assert produces.value.text == "score # 60"
