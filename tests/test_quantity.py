"""Quantities: exact periods, interval arithmetic, tolerances, dates, units and printing."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planlint.analysis.evaluate import FITS, assess, fits_at_a_glance
from planlint.language import quantity as q
from planlint.language.span import Span
from planlint.model.parse import parse_text
from planlint.model.plan import Amount, Requirement

PERIODS = sorted(q.PERIOD_YEARS)
LEADS = q.count_unit("leads")
USD = q.money_unit("USD")
# A count divisible by this converts to a whole number in every period.
WHOLE_IN_EVERY_PERIOD = 12 * 365 * 7


def amount_of(text: str) -> Amount:
    """The Amount that `produces x.y = TEXT` states."""
    plan_file = parse_text("t.plan", f"team t {{\n  produces x.y = {text}\n}}\n")
    assert plan_file.problem is None, plan_file.problem
    return plan_file.blocks[0].statements[0].value


def value_of(text: str) -> q.Quantity:
    return amount_of(text).quantity


def same(a: q.Quantity, b: q.Quantity) -> bool:
    """The same amount in comparable units (the period a rate is printed in may differ)."""
    return (a.lo, a.hi) == (b.lo, b.hi) and a.unit.comparable(b.unit)


def per(period: str, unit: q.Unit = LEADS) -> q.Unit:
    return q.per_period(unit, period)


# Periods ------------------------------------------------------------------


def test_the_period_table_is_exact() -> None:
    years = q.PERIOD_YEARS
    assert 4 * years["quarter"] == 12 * years["month"] == years["year"] == 365 * years["day"]
    assert years["week"] == 7 * years["day"]


@pytest.mark.parametrize("text", ["500 leads/month", "6000 leads/year", "1500 leads/quarter", "6,000 leads / years"])
def test_rates_in_any_period_are_the_same_rate(text: str) -> None:
    assert same(value_of(text), value_of("6000 leads/year"))


def test_a_boundary_met_exactly_is_met() -> None:
    assert value_of("250 leads/month").lo == value_of("3000 leads/year").lo
    assert value_of("7 tickets/week").lo == value_of("1 tickets/day").lo == value_of("365 tickets/year").lo


@given(st.integers(0, 10**12), st.sampled_from(PERIODS), st.sampled_from(PERIODS))
def test_rate_conversion_round_trips_exactly(count: int, written: str, shown: str) -> None:
    stored = value_of(f"{count} leads/{written}").lo
    assert stored == Fraction(count) / q.PERIOD_YEARS[written]
    in_shown = stored * q.PERIOD_YEARS[shown]
    assert in_shown / q.PERIOD_YEARS[shown] * q.PERIOD_YEARS[written] == count


@given(st.integers(0, 10**6), st.sampled_from(PERIODS), st.sampled_from(PERIODS))
def test_rate_conversion_round_trips_through_the_printed_text(count: int, written: str, shown: str) -> None:
    """Printed in another period and read back, a rate is the same rate, to the last lead."""
    original = value_of(f"{count * WHOLE_IN_EVERY_PERIOD} leads/{written}")
    printed = q.format_quantity(original, per(shown))
    assert printed.endswith(f" leads/{shown}")
    assert same(value_of(printed), original)


@pytest.mark.parametrize(
    ("written", "shown", "printed"),
    [
        ("$2.25M/quarter", "year", "$9M/year"),
        ("$6k/month", "year", "$72k/year"),
        ("$950k/quarter", "year", "$3.8M/year"),
        ("$365/year", "day", "$1/day"),
        ("$7/week", "year", "$365/year"),
        ("$9M/year", "month", "$750k/month"),
        ("$1/day", "week", "$7/week"),
        ("$1.2M/year", "quarter", "$300k/quarter"),
    ],
)
def test_money_rates_convert_exactly(written: str, shown: str, printed: str) -> None:
    original = value_of(written)
    assert q.format_quantity(original, per(shown, USD)) == printed
    assert same(value_of(printed), original)


# Interval arithmetic ------------------------------------------------------

fractions = st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=1000)
shares = st.fractions(min_value=0, max_value=1, max_denominator=100)


@st.composite
def intervals(draw, unit: q.Unit = q.NUMBER) -> q.Quantity:
    a, b = draw(fractions), draw(fractions)
    return q.Quantity(min(a, b), max(a, b), unit)


def a_point_of(interval: q.Quantity, share: Fraction) -> q.Quantity:
    return q.Quantity.point(interval.lo + share * (interval.hi - interval.lo), interval.unit)


OPERATIONS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b}


@settings(max_examples=300)
@given(st.sampled_from(sorted(OPERATIONS)), intervals(), intervals(), shares, shares)
def test_interval_arithmetic_contains_every_point_result(op: str, a, b, share_a, share_b) -> None:
    x, y = a_point_of(a, share_a), a_point_of(b, share_b)
    if op == "/" and b.lo <= 0 <= b.hi:
        with pytest.raises(q.DivisionByZero):
            OPERATIONS[op](a, b)
        return
    whole, point = OPERATIONS[op](a, b), OPERATIONS[op](x, y)
    assert point.is_point
    assert whole.lo <= point.lo <= whole.hi
    assert whole.contains(point)


@given(intervals(), intervals())
def test_interval_ends_are_point_results(a, b) -> None:
    """The bounds are tight: each end of a product is the product of two ends."""
    ends = {x * y for x in (a.lo, a.hi) for y in (b.lo, b.hi)}
    product = a * b
    assert product.lo in ends and product.hi in ends


def test_division_by_a_range_through_zero_is_refused() -> None:
    with pytest.raises(q.DivisionByZero, match="range that includes zero"):
        q.Quantity.point(1) / q.Quantity(Fraction(-1), Fraction(1))
    with pytest.raises(q.DivisionByZero, match="division by zero"):
        q.Quantity.point(1) / q.Quantity.point(0)


def test_the_language_example_multiplies_to_15_36m_a_year() -> None:
    revenue = value_of("4000 leads/year") * value_of("16%") * value_of("$24k")
    assert revenue.lo == 15_360_000
    assert q.format_quantity(revenue) == "$15.36M/year"


# Printing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("4000 leads/year", "4,000 leads/year"),
        ("16%", "16%"),
        ("92 days", "92 days"),
        ("1 days", "1 day"),
        ("$24k", "$24k"),
        ("$15.36M/year", "$15.36M/year"),
        ("€10M", "€10M"),
        ("£3M", "£3M"),
        ("2B", "2,000,000,000"),
        ("24000 USD", "$24k"),
        ("5 CHF", "5 CHF"),
        ("$950", "$950"),
        ("500 leads/month", "500 leads/month"),
        ("12.5%", "12.5%"),
        ("$1.5B/quarter", "$1.5B/quarter"),
        ("0.25", "0.25"),
        ("14% .. 18%", "14% .. 18%"),
    ],
)
def test_formatting_reads_as_written(text: str, printed: str) -> None:
    assert q.format_quantity(value_of(text)) == printed


@given(st.integers(-(10**14), 10**14))
def test_format_number_is_exact_for_cents(cents: int) -> None:
    value = Fraction(cents, 100)
    text = q.format_number(value)
    assert Fraction(Decimal(text.replace(",", ""))) == value
    assert "99999" not in text or "99999" in str(abs(cents))  # no binary-float artefacts


@given(st.integers(1000, 999_999), st.sampled_from(["k", "M", "B"]))
def test_money_prints_exactly_what_was_written(thousandths: int, suffix: str) -> None:
    """Money reads in k, M or B with up to three decimals: what an owner writes prints back as written."""
    mantissa = Decimal(thousandths) / 1000
    written = f"${mantissa}{suffix}"
    expected = f"${mantissa.normalize():f}{suffix}"
    assert q.format_quantity(value_of(written)) == expected


@given(st.integers(0, 99_999))
def test_money_below_a_thousand_prints_to_the_cent(cents: int) -> None:
    printed = q.format_quantity(value_of(f"${Decimal(cents) / 100}"))
    assert printed == "$" + q.format_number(Fraction(cents, 100))
    assert Fraction(Decimal(printed[1:].replace(",", ""))) == Fraction(cents, 100)


def test_format_number_rounds_what_does_not_terminate() -> None:
    assert q.format_number(Fraction(2, 3)) == "0.667"  # below 1: three significant digits
    assert q.format_number(Fraction(2000, 3)) == "666.67"
    assert q.format_number(Fraction(-1, 3)) == "-0.333"
    assert q.format_number(Fraction(5, 3)) == "1.67"


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (Fraction(4, 1000), "0.004"),
        (Fraction(41, 10000), "0.0041"),
        (Fraction(1, 300), "0.00333"),
        (Fraction(-1, 300), "-0.00333"),
        (Fraction(99996, 100000), "1"),  # 0.99996 to three significant digits
        (Fraction(1, 10**20), "1e-20"),  # astronomically small: no run of zeros
        (Fraction(0), "0"),
    ],
)
def test_small_numbers_keep_three_significant_digits(value: Fraction, printed: str) -> None:
    assert q.format_number(value) == printed


def test_small_money_is_never_printed_as_zero() -> None:
    usd = q.money_unit("USD")
    assert q.format_magnitude(Fraction(4, 1000), usd) == "$0.004"
    assert q.format_magnitude(Fraction(1, 3000), usd, 1) == "$0.000334"
    assert q.format_magnitude(Fraction(1, 3000), usd, -1) == "$0.000333"
    assert q.format_magnitude(Fraction(1, 3000), q.PERCENT, -1) == "0.0333%"


@pytest.mark.parametrize(
    ("ratio", "printed"),
    [
        (Fraction(50, 24), "2.08×"),
        (Fraction(5, 4), "1.25×"),
        (Fraction(4, 3), "1.33×"),
        (Fraction(3, 2), "1.5×"),
        (Fraction(2), "2×"),
        (Fraction(2, 3), "0.667×"),
        (Fraction(1), "1×"),
        (Fraction(0), "0×"),
        (Fraction(1000), "1000×"),
        (Fraction(12345), "12300×"),
    ],
)
def test_format_ratio_three_significant_digits(ratio: Fraction, printed: str) -> None:
    assert q.format_ratio(ratio) == printed


@given(st.fractions(min_value=Fraction(1, 10**6), max_value=10**9))
def test_format_ratio_is_within_half_a_percent(ratio: Fraction) -> None:
    text = q.format_ratio(ratio)
    assert text.endswith("×")
    number = text[:-1]
    assert "e" not in number and not (("." in number) and number.endswith("0"))
    assert abs(Fraction(Decimal(number)) - ratio) <= ratio * Fraction(5, 1000)
    assert len(number.replace(".", "").lstrip("0").rstrip("0")) <= 3


def test_format_share() -> None:
    assert q.format_share(Fraction(1536), Fraction(2000)) == "76.8%"
    assert q.format_share(Fraction(3), Fraction(5)) == "60%"
    assert q.format_share(Fraction(4), Fraction(3)) == "133.3%"  # nearest, away from 100%
    assert q.format_share(Fraction(1), Fraction(0)) == "n/a"


@pytest.mark.parametrize(
    ("part", "printed"),
    [
        (Fraction(9996), "99.9%"),  # a miss never prints as 100%
        (Fraction(99999, 10), "99.9%"),
        (Fraction(10004), "100.1%"),  # nor a share above it
        (Fraction(10000), "100%"),  # only 100% itself
        (Fraction(9994), "99.9%"),
        (Fraction(9995), "99.9%"),  # a tie rounds to even, and 100.0 is not allowed anyway
    ],
)
def test_format_share_rounds_toward_the_truth(part: Fraction, printed: str) -> None:
    assert q.format_share(part, Fraction(10000)) == printed


@given(st.fractions(min_value=0, max_value=10), st.fractions(min_value=Fraction(1, 1000), max_value=10))
def test_a_share_prints_on_the_side_of_100_percent_it_is_on(part: Fraction, whole: Fraction) -> None:
    printed = Fraction(Decimal(q.format_share(part, whole)[:-1].replace(",", "")))
    truth = part / whole * 100
    assert (printed < 100) == (truth < 100) and (printed > 100) == (truth > 100)
    assert abs(printed - truth) <= Fraction(1, 10)


@pytest.mark.parametrize(
    ("new", "old", "printed"),
    [
        (Fraction(2084, 10000), Fraction(16, 100), "+30%"),  # two significant digits
        (Fraction(90), Fraction(100), "-10%"),
        (Fraction(400161, 100), Fraction(4000), "+0.04%"),
        (Fraction(32), Fraction(1), "+3,100%"),  # grouped as every number planlint prints
        (Fraction(131), Fraction(1), "+13,000%"),
        (Fraction(5), Fraction(-10), "+150%"),  # from a negative value: up is up
        (Fraction(5), Fraction(0), ""),  # no percentage of nothing
    ],
)
def test_format_change(new: Fraction, old: Fraction, printed: str) -> None:
    assert q.format_change(new, old) == printed


def test_a_pure_number_prints_as_a_percentage_beside_a_percentage() -> None:
    ratio = q.Quantity.point(Fraction(2, 15))  # profit / revenue: no unit left
    assert q.format_quantity(ratio) == "0.133"
    assert q.format_quantity(ratio, q.PERCENT) == "13.33%"
    assert q.format_quantity(q.Quantity.point(Fraction(1, 5), q.PERCENT), q.NUMBER) == "0.2"


# Tolerances ---------------------------------------------------------------


def accepted(text: str) -> tuple[Fraction, Fraction]:
    amount = amount_of(text)
    widened = amount.tolerance.around(amount.quantity)
    return widened.lo, widened.hi


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("$50k ± 5k", 45_000, 55_000),  # a bare number is in the value's own unit: absolute
        ("$50k +/- $5k", 45_000, 55_000),
        ("20% ± 2%", Fraction(18, 100), Fraction(22, 100)),  # % on a percentage: absolute, exactly 18%
        ("$50k ± 10%", 45_000, 55_000),  # % on money: relative
        ("4000 leads ± 10%", 3600, 4400),
        ("$5k/month ± 1k", 48_000, 72_000),  # $1k a month, stored per year
        ("100 leads/month ± 12 leads/month", 1056, 1344),
    ],
)
def test_tolerances(text: str, low, high) -> None:
    assert accepted(text) == (low, high)


def test_default_tolerance_is_relative() -> None:
    default = q.Tolerance(Fraction(1, 10), relative=True)
    assert default.around(value_of("20%")) == q.Quantity(Fraction(18, 100), Fraction(22, 100), q.PERCENT)
    assert default.around(value_of("$50k")) == q.Quantity(Fraction(45_000), Fraction(55_000), USD)


def test_a_tolerance_in_another_unit_is_refused() -> None:
    with pytest.raises(q.UnitMismatch):
        q.tolerance_for(value_of("5 leads"), value_of("1 deals"))


# Dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "fiscal_start", "last"),
    [
        (q.PlanDate(2027, quarter=3), 1, dt.date(2027, 9, 30)),
        (q.PlanDate(2027, quarter=4), 1, dt.date(2027, 12, 31)),
        (q.PlanDate(2027, month=2), 1, dt.date(2027, 2, 28)),
        (q.PlanDate(2028, month=2), 1, dt.date(2028, 2, 29)),
        (q.PlanDate(2027, month=7, day=15), 1, dt.date(2027, 7, 15)),
        (q.PlanDate(9999, month=12), 1, dt.date(9999, 12, 31)),
        # Fiscal year N ends in calendar year N: FY2027 from July runs July 2026 .. June 2027.
        (q.PlanDate(2027, quarter=1), 7, dt.date(2026, 9, 30)),
        (q.PlanDate(2027, quarter=4), 7, dt.date(2027, 6, 30)),
        (q.PlanDate(2027, quarter=4), 4, dt.date(2027, 3, 31)),
        (q.PlanDate(2027, month=7), 7, dt.date(2027, 7, 31)),  # months are calendar months
    ],
)
def test_a_quarter_or_month_means_its_last_day(date: q.PlanDate, fiscal_start: int, last: dt.date) -> None:
    assert date.last_day(fiscal_start) == last


@given(st.integers(1000, 9999), st.integers(1, 4), st.integers(1, 12))
def test_every_quarter_ends_on_a_month_end(year: int, quarter: int, fiscal_start: int) -> None:
    last = q.PlanDate(year, quarter=quarter).last_day(fiscal_start)
    assert last.day == calendar.monthrange(last.year, last.month)[1]
    assert (last.month - fiscal_start + 1) % 3 == 0


def test_dates_print_as_written() -> None:
    assert [
        str(d) for d in (q.PlanDate(2027, quarter=3), q.PlanDate(2027, month=7), q.PlanDate(2027, month=7, day=5))
    ] == ["2027-Q3", "2027-07", "2027-07-05"]


# Units --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "comparable"),
    [
        ("$5", "5 USD", True),
        ("$5", "€5", False),
        ("5 USD", "5 EUR", False),
        ("5 leads", "5 deals", False),
        ("5 leads", "5 lead", True),
        ("5 Leads", "5 lead", True),
        ("5 leads", "$5", False),
        ("5 days", "5 weeks", True),
        ("5 leads/month", "5 leads/year", True),
        ("5 leads/month", "5 leads", False),
        ("16%", "0.16", True),
        ("16%", "5 leads", False),
        ("0.16", "5 leads", True),
    ],
)
def test_unit_compatibility(a: str, b: str, comparable: bool) -> None:
    assert value_of(a).unit.comparable(value_of(b).unit) is comparable


def test_money_of_two_currencies_never_adds() -> None:
    with pytest.raises(q.UnitMismatch, match="USD and EUR"):
        value_of("$5") + value_of("€5")


def test_count_labels_drop_out_of_arithmetic() -> None:
    product = value_of("4000 leads") * value_of("$10")
    assert product.unit == USD and product.lo == 40_000


def test_units_describe_themselves_in_words() -> None:
    assert value_of("$20M/year").unit.describe() == "USD per year"
    assert value_of("5 leads/month").unit.describe() == "leads per month"
    assert value_of("16%").unit.describe() == "percent"
    assert value_of("5").unit.describe() == "a plain number"


def derived(expression: str, **inputs: str) -> q.Quantity:
    """What `derive x.y = EXPRESSION` computes from `inputs` (name -> value as written)."""
    from planlint.analysis.evaluate import Known, evaluate_expr

    lines = [f"  produces {name.replace('_', '.')} = {text}" for name, text in inputs.items()]
    plan_file = parse_text("t.plan", "team t {\n" + "\n".join(lines) + f"\n  derive x.y = {expression}\n}}\n")
    assert plan_file.problem is None, plan_file.problem
    *produced, derive = plan_file.blocks[0].statements
    values = {p.name: p.value.quantity for p in produced}
    outcome = evaluate_expr(derive.expr, values.__getitem__)
    assert isinstance(outcome, Known)
    return outcome.quantity


@pytest.mark.parametrize(
    ("expression", "inputs", "printed", "described"),
    [
        ("a.rev / 1 year", {"a_rev": "$21/year"}, "$21/year²", "USD per year²"),
        ("a.rev / 2 months", {"a_rev": "$24k/month"}, "$12k/month²", "USD per month²"),
        ("a.leads / 1 year", {"a_leads": "5 leads/year"}, "5/year²", "a plain number per year²"),
        ("a.rev / 1 year / 1 year", {"a_rev": "$3/year"}, "$3/year³", "USD per year³"),
        ("a.days * 2 days", {"a_days": "3 days"}, "6 days²", "days²"),
        ("a.cost * 3 days", {"a_cost": "$5"}, "$15·day", "USD days"),
        ("a.rev * 2 years", {"a_rev": "$1M/year"}, "$2M", "USD"),
    ],
)
def test_powers_of_time_print_as_such(expression: str, inputs: dict, printed: str, described: str) -> None:
    quantity = derived(expression, **inputs)
    assert q.format_quantity(quantity) == printed
    assert quantity.unit.describe() == described


def test_a_value_per_month_squared_is_144_per_year_squared() -> None:
    quantity = derived("a.rev / 1 month", a_rev="$12/month")
    assert quantity.lo == 12 * 12 * 12  # $12/month² = $1,728/year² in base units
    assert q.format_quantity(quantity) == "$12/month²"


def test_parse_number() -> None:
    assert q.parse_number("4,000") == 4000
    assert q.parse_number("1.5M") == 1_500_000
    assert q.parse_number("0.1k") == 100
    assert q.parse_number("2B") == 2 * 10**9


def test_bounds_round_the_way_they_must_hold() -> None:
    """A value needed to close a gap must still close it once printed."""
    needed = Fraction(15625, 100000)  # 15.625%
    assert q.format_magnitude(needed, q.PERCENT) == "15.62%"  # nearest, half to even
    assert q.format_magnitude(needed, q.PERCENT, 1) == "15.63%"
    assert q.format_magnitude(needed, q.PERCENT, -1) == "15.62%"
    assert q.format_magnitude(Fraction(31250), q.money_unit("USD"), 1) == "$31.25k"  # exact stays exact
    assert q.format_number(Fraction(-7, 3), direction=1) == "-2.33"
    assert q.format_number(Fraction(-7, 3), direction=-1) == "-2.34"


# Tolerances: the integer check against the accepted bounds ------------------------------


def _asked(op: str, value: Fraction, tolerance: q.Tolerance | None = None) -> Requirement:
    point = q.Quantity(value, value, USD)
    return Requirement(op, Amount(point, Span("t.plan", 1, 1, 1, 2), tolerance))


def _point(value: Fraction) -> q.Quantity:
    return q.Quantity(value, value, USD)


@pytest.mark.parametrize(
    ("value", "tolerance", "delivered", "fits"),
    [
        (100, q.Tolerance(Fraction(1, 10), relative=True), 90, True),  # both ends are accepted
        (100, q.Tolerance(Fraction(1, 10), relative=True), 110, True),
        (100, q.Tolerance(Fraction(1, 10), relative=True), Fraction(8999, 100), False),
        (100, q.Tolerance(Fraction(1, 10), relative=True), Fraction(11001, 100), False),
        (-100, q.Tolerance(Fraction(1, 10), relative=True), -110, True),  # a negative value: -110 .. -90
        (-100, q.Tolerance(Fraction(1, 10), relative=True), -90, True),
        (-100, q.Tolerance(Fraction(1, 10), relative=True), Fraction(-8999, 100), False),
        (100, q.Tolerance(Fraction(5), relative=False), 95, True),  # ± $5
        (100, q.Tolerance(Fraction(5), relative=False), Fraction(9499, 100), False),
        (100, q.Tolerance(Fraction(5), relative=False), 105, True),
        (100, q.Tolerance(Fraction(5), relative=False), Fraction(10501, 100), False),
        (0, q.Tolerance(Fraction(1, 10), relative=True), 0, True),  # 10% of nothing is nothing
        (0, q.Tolerance(Fraction(1, 10), relative=True), Fraction(1, 10**9), False),
    ],
)
def test_a_tolerance_holds_exactly_its_bounds(
    value: int, tolerance: q.Tolerance, delivered: Fraction, fits: bool
) -> None:
    assert tolerance.holds(_point(Fraction(value)), Fraction(delivered)) is fits
    lo, hi = tolerance.bounds(_point(Fraction(value)))
    assert (lo <= delivered <= hi) is fits


@given(
    st.sampled_from(["=", ">=", "<=", "in"]),
    st.fractions(-(10**6), 10**6, max_denominator=10**4),
    st.none() | st.builds(q.Tolerance, st.fractions(0, 2, max_denominator=1000), st.booleans()),
    st.fractions(-(10**6), 10**6, max_denominator=10**4),
    st.fractions(Fraction(1, 100), 10**3, max_denominator=100),
)
@settings(max_examples=500)
def test_a_glance_says_fits_exactly_when_assess_does(
    op: str, value: Fraction, tolerance: q.Tolerance | None, delivered: Fraction, spread: Fraction
) -> None:
    """`fits_at_a_glance` decides `=` on a point for a delivered point, as `assess` would; anything
    else (a range delivered, another operator) it leaves to `assess` by saying False."""
    default = Fraction(1, 10)
    asked = _asked(op, value, tolerance)
    point = _point(delivered)
    assert fits_at_a_glance(asked, point, default) is (op == "=" and assess(asked, point, default).status == FITS)
    assert fits_at_a_glance(asked, q.Quantity(delivered, delivered + spread, USD), default) is False


@pytest.mark.parametrize(
    ("delivered", "fits"), [(95, True), (Fraction(9499, 100), False), (Fraction(411, 2), True), (206, False)]
)
def test_a_tolerance_around_a_range_widens_each_end(delivered: Fraction, fits: bool) -> None:
    """`$100 .. $200.50 ± $5` accepts $95 .. $205.50: each end in its own terms."""
    written = q.Quantity(Fraction(100), Fraction(401, 2), USD)
    assert q.Tolerance(Fraction(5), relative=False).holds(written, Fraction(delivered)) is fits


def test_a_point_is_one_value_at_both_ends_whether_or_not_one_object() -> None:
    one = Fraction(3, 2)
    assert q.Quantity(one, one).is_point
    assert q.Quantity(Fraction(3, 2), Fraction(6, 4)).is_point  # equal ends, two objects
    assert not q.Quantity(Fraction(3, 2), Fraction(2)).is_point


@pytest.mark.parametrize(
    ("point", "holds"), [(Fraction(99), True), (99, True), (Fraction(90), True), (Fraction(8999, 100), False)]
)
def test_a_tolerance_holds_the_same_for_a_fraction_or_an_int(point: Fraction, holds: bool) -> None:
    ten_percent = q.Tolerance(Fraction(1, 10), relative=True)
    assert ten_percent.holds(q.Quantity(Fraction(100), Fraction(100)), point) is holds
    assert ten_percent.holds(q.Quantity(100, 100), point) is holds  # type: ignore[arg-type]  # ints, as Python allows


def test_in_period_of_gives_the_unit_itself_when_the_period_stays() -> None:
    monthly = q.per_period(q.money_unit("USD"), "month")
    yearly_leads, monthly_leads = (
        q.per_period(q.count_unit("leads"), "year"),
        q.per_period(q.count_unit("leads"), "month"),
    )
    assert q.in_period_of(monthly, q.per_period(q.money_unit("USD"), "month")) is monthly
    assert q.in_period_of(monthly, q.count_unit("leads")) is monthly  # not comparable: as it is
    moved = q.in_period_of(yearly_leads, monthly_leads)
    assert moved is not yearly_leads and moved.period == "month" and moved.label == "leads"
