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
from planlint.model.written import value_text

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


USD = q.money_unit("USD")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # Negative values: losses, churn, declines
        ("-$1M/year", "-$1M/year"),
        ("-5%", "-5%"),
        ("-3 deals", "-3 deals"),
        ("- 2.5k", "-2,500"),
        ("-45 days", "-45 days"),
        ("-€10M/quarter", "-€10M/quarter"),
        ("-24000 USD", "-$24k"),
        # Period aliases
        ("500 leads/yr", "500 leads/year"),
        ("500 leads/yrs", "500 leads/year"),
        ("500 leads/qtr", "500 leads/quarter"),
        ("$5k/mo", "$5k/month"),
        ("7 leads/wk", "7 leads/week"),
        ("500 leads per year", "500 leads/year"),
        ("500 leads per quarter", "500 leads/quarter"),
        ("$20M per month", "$20M/month"),
        ("7 leads per week", "7 leads/week"),
        # ISO codes in any case are money
        ("24000 usd", "$24k"),
        ("3M eur", "€3M"),
        ("3M gbp", "£3M"),
        ("2M Chf", "2M CHF"),
    ],
)
def test_spellings_plan_owners_use_are_the_canonical_value(text: str, canonical: str) -> None:
    assert meaning(value(text)) == meaning(value(canonical))
    assert value_text(value(text)) == canonical


def meaning(amount: Amount) -> tuple:
    """What an amount says, whatever its span."""
    return amount.quantity, amount.tolerance, amount.is_range


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("-$1M .. -$0.5M", -1_000_000, -500_000, USD),
        ("-5% .. 5%", Fraction(-5, 100), Fraction(5, 100), q.PERCENT),
        # A bare number at one end takes the other end's unit
        ("14 .. 18%", Fraction(14, 100), Fraction(18, 100), q.PERCENT),
        ("14% .. 18", Fraction(14, 100), Fraction(18, 100), q.PERCENT),
        ("$20k .. 30k", 20_000, 30_000, USD),
        ("20k .. $30k", 20_000, 30_000, USD),
        ("$20k/month .. 30k", 240_000, 360_000, q.per_period(USD, "month")),
        ("300 .. 400 leads/month", 3600, 4800, q.per_period(LEADS, "month")),
        ("-2 .. 3 deals", -2, 3, q.count_unit("deals")),
        ("14 .. 18", 14, 18, q.NUMBER),
    ],
)
def test_ranges_in_spellings_plan_owners_use(text: str, low, high, unit: q.Unit) -> None:
    amount = value(text)
    assert amount.is_range and amount.quantity == q.Quantity(Fraction(low), Fraction(high), unit)
    assert parsed(f"consumes x.y in {text}").requirement.value.quantity == amount.quantity


@pytest.mark.parametrize("text", ["14% .. 18 leads", "$20k .. €30k", "5 leads .. 6 deals", "20% .. $5"])
def test_a_range_in_two_units_stays_an_error(text: str) -> None:
    found = problem(f"team t {{\n  produces x.y = {text}\n}}\n")
    assert found.message.startswith("a range cannot run from ") and found.span.line == 2


def test_plus_minus_is_a_tolerance() -> None:
    assert meaning(value("$50k +- 5k")) == meaning(value("$50k ± 5k")) == meaning(value("$50k +/- 5k"))
    assert value("20% +-2%").tolerance == q.Tolerance(Fraction(2, 100), relative=False)


@pytest.mark.parametrize(
    "text", ["-$1M/year", "-5%", "-3 deals", "-14% .. -2%", "-$50k ± 10%", "-$2.5k/month ± 500", "-1.5B EUR"]
)
def test_negative_values_print_back_as_they_parse(text: str) -> None:
    assert meaning(value(value_text(value(text)))) == meaning(value(text))


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


# Near misses: (statement, the text the error covers, the one spelling that replaces it and parses).
NEAR_MISSES = [
    ("produces x.y = 20 %", "20 %", "20%"),
    ("consumes x.y >= 20 % ± 2%", "20 %", "20%"),
    ("produces x.y = 20pct", "20pct", "20%"),
    ("produces x.y = 20 pct", "20 pct", "20%"),
    ("consumes x.y >= 20 percent", "20 percent", "20%"),
    ("produces x.y = $20mil", "$20mil", "$20M"),
    ("produces x.y = $20 mil", "$20 mil", "$20M"),
    ("produces x.y = $1.5mn/year", "$1.5mn", "$1.5M"),
    ("produces x.y = 3 million leads", "3 million", "3M"),
    ("produces x.y = 3 million", "3 million", "3M"),
    ("produces x.y = €2bn", "€2bn", "€2B"),
    ("produces x.y = 2 billion", "2 billion", "2B"),
    ("produces x.y = $20MM", "$20MM", "$20M"),
    ("produces x.y = 24K leads", "24K", "24k"),
    ("produces x.y = $24K/year", "$24K", "$24k"),
    ("produces x.y = 2b", "2b", "2B"),
    ("produces x.y = $5m", "$5m", "$5M"),
    ("produces x.y = 24leads", "24leads", "24 leads"),
    ("goal x.y > $20M/year", ">", ">="),
    ("goal x.y < 5%", "<", "<="),
    ("goal x.y => 5", "=>", ">="),
    ("goal x.y =< 5", "=<", "<="),
    ("goal x.y == 5", "==", "="),
    ("consumes x.y > 2000 leads/year", ">", ">="),
    ("produces x.y > 5", ">", "="),
    ("consumes x.y in 14% to 18%", "to", ".."),
    ("goal x.y in 14 to 18%", "to", ".."),
    ("produces x.y = $20k to $30k", "to", ".."),
    ("produces x.y = 14 to 18 leads", "to", ".."),
    ("produces x.y = -5% to 5%", "to", ".."),
    ("produces x.y = USD 24000", "USD 24000", "24000 USD"),
    ("consume x.y = 5", "consume", "consumes"),
    ("derives x.y = a.b", "derives", "derive"),
]


@pytest.mark.parametrize(("statement", "covers", "suggestion"), NEAR_MISSES)
def test_a_near_miss_gets_the_one_spelling_that_parses(statement: str, covers: str, suggestion: str) -> None:
    source = f"team t {{\n  {statement}\n}}\n"
    found = problem(source)
    start = statement.index(covers) + 3
    assert (found.span.line, found.span.column, found.span.end_column) == (2, start, start + len(covers))
    assert found.suggestion == suggestion
    assert f"did you mean '{suggestion}'?" in found.message
    # The suggestion itself parses: put in place of what the error covers, the file reads cleanly.
    line = source.split("\n")[1]
    fixed = line[: found.span.column - 1] + suggestion + line[found.span.end_column - 1 :]
    assert parse_text("t.plan", source.replace(line, fixed)).problem is None, fixed


@pytest.mark.parametrize(
    "statement",
    ["derive x.y = a.b > 5", "produces x.y = 24kk", "produces x.y = 20 %/year", "goal x.y >> 5"],
)
def test_no_suggestion_where_no_one_spelling_parses(statement: str) -> None:
    found = problem(f"team t {{\n  {statement}\n}}\n")
    assert found.suggestion == "" and "did you mean" not in found.message


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
    assert (left.span.column, left.span.end_column) == (16, 25)  # a group's span takes in its parentheses
    assert (left.left.span.column, left.left.span.end_column) == (17, 20)
    assert (derive.expr.right.span.column, derive.expr.right.span.end_column) == (28, 31)


def test_a_derive_in_parentheses_spans_the_closing_one() -> None:
    derive = parsed("derive x.y = (a.b + c.d)  # note")
    assert (derive.span.column, derive.span.end_column) == (3, 27)
    assert (derive.expr.span.column, derive.expr.span.end_column) == (16, 27)


def test_an_expression_goes_on_after_an_operator_and_inside_parentheses() -> None:
    plan_file = parse_text(
        "t.plan",
        "team t {\n"
        "  derive a.sum = x.y +  # comment\n"
        "    x.z\n"
        "  derive a.product = (x.y\n"
        "      * x.z)  # after\n"
        "  derive a.nested = -(\n"
        "    (x.y - 1)\n"
        "\n"
        "    / x.z\n"
        "  )\n"
        "  produces x.y = 5\n"
        "}\n",
    )
    assert plan_file.problem is None, plan_file.problem
    total, product, nested, produces = plan_file.blocks[0].statements
    assert shape(total.expr) == ("+", "x.y", "x.z")
    assert shape(product.expr) == ("*", "x.y", "x.z")
    assert shape(nested.expr) == ("neg", ("/", ("-", "x.y", 1), "x.z"))
    # One statement, its span over all its lines, to the closing parenthesis.
    assert tuple(total.span)[1:] == (2, 3, 3, 8)
    assert tuple(product.span)[1:] == (4, 3, 5, 13)
    assert tuple(product.expr.span)[1:] == (4, 22, 5, 13)
    assert tuple(nested.span)[1:] == (6, 3, 10, 4)
    assert tuple(nested.expr.operand.left.span)[1:] == (7, 5, 7, 14)
    assert (produces.span.line, produces.span.column) == (11, 3)


@pytest.mark.parametrize(
    "source",
    [
        "team t {\n  derive a.b = x.y\n    + x.z\n}\n",  # before an operator, outside parentheses
        "team t {\n  derive a.b =\n    x.y\n}\n",  # after the `=`
        "team t {\n  derive a.b = -\n    x.y\n}\n",  # after a unary minus, outside parentheses
        "team t {\n  produces a.b = 5 +\n    3\n}\n",  # values are no expressions
    ],
)
def test_no_other_line_break_continues_a_statement(source: str) -> None:
    assert parse_text("t.plan", source).problem is not None


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
        2: frozenset({"value-mismatch", "PL105"}),
        3: frozenset(),
        5: frozenset({"unit-mismatch"}),
    }


def test_a_hash_inside_quotes_is_no_comment() -> None:
    produces = parsed('produces a.c = "score # 60"  # a comment')
    assert produces.value.text == "score # 60"


# Every suggestion offered on a damaged plan parses in place: what planlint suggests, it reads.


def _damaged_statements() -> list[str]:
    """Statements of the shapes near misses take, with one token damaged."""
    values = ["20 %", "$20 mil", "3 million", "14% to 18%", "2bn", "24K", "$5m", "7 PCT", "USD 5", "20 percent"]
    heads = ["produces x.y =", "consumes x.y >=", "consumes x.y in", "goal x.y >", "goal x.y ==", "produces x.y >"]
    tails = ["", " by 2027-Q3", " leads", " .. 30%", " # note", " %"]
    return [f"{head} {value}{tail}" for head in heads for value in values for tail in tails]


@pytest.mark.parametrize("statement", _damaged_statements())
def test_every_suggestion_offered_parses_in_its_place(statement: str) -> None:
    source = f"team t {{\n  {statement}\n}}\n"
    found = parse_text("t.plan", source).problem
    if found is None or not found.suggestion:
        return
    line = source.split("\n")[found.span.line - 1]
    fixed = line[: found.span.column - 1] + found.suggestion + line[found.span.end_column - 1 :]
    again = parse_text("t.plan", source.replace(line, fixed)).problem
    end = found.span.column + len(found.suggestion)
    assert again is None or (again.span.line, again.span.column) >= (found.span.line, end), (fixed, again)
