#!/usr/bin/env python3
"""Generate a synthetic organisation plan with exactly known findings.

    python benchmarks/gen_plan.py N OUT [--seed S]

Writes N team files and one org file under OUT, nested by division and group
(OUT/<division>/<group>/<team>.plan, OUT/org.plan), and OUT/expected.json
with the exact number of findings per rule that a correct planlint reports
with its default configuration. The same N and seed always write the same
bytes.

Each team (about 24 statements) has one or two owners; two goals (revenue
and one of win rate, headcount, cost or contribution); eleven produced values
of every kind (lead rates per day, week, month, quarter or year, percentages
and percentage ranges, dollar amounts and dollar ranges, budgets in $, €, £
or an ISO code, head counts, day counts and day ranges, a plain number, a
text definition and a launch date in any of the three date forms); three to
six consumptions of other teams' values; and a derivation chain:

    tX.deals        = tX.leads.volume * tX.win.rate
    tX.revenue      = (tX.deals * tX.deal.size + tY.partner.leads * tX.win.rate * tY.deal.size)
                      * (100% - tX.discount) / tX.ramp.factor
    tX.cost         = tX.headcount * tX.cost.per.head
    tX.contribution = tX.revenue - tX.cost
    tX.rollup       = tX.contribution + (the rollups of its child teams)

Teams form a tree of fan-out 8 (team i's parent is (i - 1) // 8), so the org's
`company.contribution = t0.rollup` depends on every team, and every team goal
rolls up to a shared goal. The org also averages the first three teams' win
rates into `company.win_rate`.

Planted findings, each decided and verified with exact Fractions:
  unresolved-assumption  ~5% of consumptions name something nobody produces
  value-mismatch         ~6% of numeric consumptions, no part of the producer's
                         value meets the requirement (never a partial overlap)
  unit-mismatch          ~10% of budget consumptions use another currency
  definition-mismatch    ~15% of definition consumptions state another text
  timing-mismatch        ~20% of launch consumptions need it before it comes
  goal-shortfall         ~3% of teams' revenue goals exceed even the best case
  orphan-goal            ~2% of teams have a social-followers goal that feeds
                         nothing (no one consumes or derives from it)
Every other requirement is met by the producer's whole value (bounds and
tolerances computed exactly; no borderline verdicts), every other goal is met
in its worst case, the org's goals are met, and there are no duplicate teams,
conflicting producers, cycles, invalid derivations or syntax errors.
unused-assumption is off by default and not counted.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import sys
import time
from datetime import date, timedelta
from fractions import Fraction as F
from pathlib import Path

PER_YEAR = {"day": F(365), "week": F(365, 7), "month": F(12), "quarter": F(4), "year": F(1)}
COUNT_PERIODS = ("day", "week", "month", "quarter", "year")
MONEY_PERIODS = ("month", "quarter", "year")
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "USD": "USD", "EUR": "EUR", "GBP": "GBP"}
DIVISIONS = ("go-to-market", "product", "operations", "finance", "people", "customer")
GROUPS = 12
FANOUT = 8
YEAR = 2027
SUFFIXES = ((10**9, "B"), (10**6, "M"), (10**3, "k"))
HUNDRED = F(100)

P_UNRESOLVED = 0.05
P_VALUE_MISMATCH = 0.06
P_UNIT_MISMATCH = 0.10
P_DEFINITION_MISMATCH = 0.15
P_LATE = 0.20
P_SHORTFALL = 0.03
P_ORPHAN = 0.02

RULES = (
    "unresolved-assumption",
    "value-mismatch",
    "unit-mismatch",
    "definition-mismatch",
    "timing-mismatch",
    "goal-shortfall",
    "orphan-goal",
    "conflicting-producers",
    "circular-derivation",
    "invalid-derivation",
    "duplicate-team",
    "syntax-error",
)

# consumable metric -> weight
CONSUMABLE = (
    ("leads.volume", 4),
    ("partner.leads", 2),
    ("win.rate", 4),
    ("deal.size", 4),
    ("discount", 2),
    ("ramp.factor", 1),
    ("headcount", 2),
    ("cost.per.head", 2),
    ("budget.opex", 4),
    ("cycle.days", 2),
    ("lead.definition", 2),
    ("launch.alpha", 3),
)
CONSUMABLE_NAMES = tuple(name for name, weight in CONSUMABLE for _ in range(weight))
SCORES = (50, 55, 60, 65, 70)
CRITERIA = (
    "budget confirmed",
    "budget and timeline confirmed",
    "demo booked",
    "decision maker engaged",
    "pain confirmed",
)


# ---------------------------------------------------------------- numbers


def dec(x: F) -> str:
    """The exact decimal text of a terminating fraction."""
    n, d = x.numerator, x.denominator
    if d == 1:
        return str(n)
    k = 0
    while (10**k) % d:
        k += 1
        if k > 30:
            raise ValueError(f"{x} has no finite decimal expansion")
    return _scaled(abs(n) * (10**k // d), k, "-" if n < 0 else "")


def _scaled(n: int, k: int, sign: str = "") -> str:
    """n / 10**k as the shortest decimal text (n >= 0)."""
    if k == 0:
        return sign + str(n)
    digits = str(n).rjust(k + 1, "0")
    return sign + (digits[:-k] + "." + digits[-k:]).rstrip("0").rstrip(".")


def fmt(x: F) -> str:
    """Shortest exact spelling with k/M/B where the mantissa keeps two decimals at most."""
    n = x.numerator
    if x.denominator == 1:
        for mult, suffix in SUFFIXES:
            if n >= mult and (n * 100) % mult == 0:
                return _scaled(n // (mult // 100), 2) + suffix
        return str(n)
    return dec(x)


def _exp10(x: F) -> int:
    """floor(log10(x)) for x > 0, exactly."""
    n, d = x.numerator, x.denominator
    e = len(str(n)) - len(str(d))
    if (n < d * 10**e) if e >= 0 else (n * 10**-e < d):
        e -= 1
    return e


def nice(x: F, mode: str, digits: int = 3) -> F:
    """x rounded to `digits` significant digits: 'down', 'up' or 'near'."""
    e = _exp10(x) - (digits - 1)
    n, d = x.numerator, x.denominator
    if e >= 0:
        d *= 10**e
    else:
        n *= 10**-e
    k = n // d if mode == "down" else -(-n // d) if mode == "up" else (2 * n + d) // (2 * d)
    return F(k * 10**e) if e >= 0 else F(k, 10**-e)


def factor(rnd: random.Random, lo: float, hi: float) -> F:
    return F(int(rnd.uniform(lo, hi) * 1000), 1000)


# ---------------------------------------------------------------- values


class Value:
    """A produced or required quantity: exact interval in canonical units
    (rates per year, percentages in points), plus how to spell it."""

    __slots__ = ("cur", "hi", "kind", "label", "lo", "period")

    def __init__(self, kind, lo, hi=None, label=None, cur=None, period=None):
        self.kind, self.lo, self.hi = kind, lo, lo if hi is None else hi
        self.label, self.cur, self.period = label, cur, period

    def spell_one(self, x: F, period: str | None = None) -> str:
        """Spell canonical x in `period` (default: this value's period)."""
        period = period or self.period
        if period:
            x = x / PER_YEAR[period]
        per = f"/{period}" if period else ""
        if self.kind == "percent":
            return f"{fmt(x)}%"
        if self.kind == "number":
            return fmt(x)
        if self.kind == "money":
            if len(self.cur) == 1:
                return f"{self.cur}{fmt(x)}{per}"
            return f"{dec(x)} {self.cur}{per}"
        return f"{fmt(x)} {self.label}{per}"

    def spell(self) -> str:
        if self.lo == self.hi:
            return self.spell_one(self.lo)
        return f"{self.spell_one(self.lo)} .. {self.spell_one(self.hi)}"


def verdict(req_lo, req_hi, lo, hi) -> str:
    """'full' when [lo, hi] lies inside the requirement, 'none' when disjoint."""
    if (req_lo is None or req_lo <= lo) and (req_hi is None or hi <= req_hi):
        return "full"
    if (req_lo is not None and hi < req_lo) or (req_hi is not None and lo > req_hi):
        return "none"
    return "partial"


def requirement(rnd: random.Random, v: Value, fit: bool) -> str:
    """Text after the consumed name, e.g. '>= 300 leads/month', verified exactly."""
    if v.period:
        periods = COUNT_PERIODS if v.kind == "count" else MONEY_PERIODS
        period = rnd.choice(periods)
    else:
        period = None
    scale = PER_YEAR[period] if period else F(1)
    lo, hi = v.lo / scale, v.hi / scale  # in the consumer's period
    integral = v.kind == "count" and not period  # reps and days: whole numbers

    def rnd_val(x, mode):
        if integral:
            n = x.numerator // x.denominator if mode == "down" else -(-x.numerator // x.denominator)
            return F(max(n, 1))
        return nice(x, mode)

    def one(x):  # spell a value given in the consumer's period
        return v.spell_one(x * scale, period)

    forms = [">=", "<=", "=", "in"]
    if v.kind != "percent":  # on a percentage, '± 2%' is absolute points
        forms.append("=rel")
    if not v.period:  # '+/- 5k' on a rate would be ambiguous
        forms.append("=abs")
    for _ in range(20):
        form = rnd.choice(forms)
        if fit:
            if form == ">=":
                a = rnd_val(lo * factor(rnd, 0.5, 0.95), "down")
                text, req = f">= {one(a)}", (a, None)
            elif form == "<=":
                b = rnd_val(hi * factor(rnd, 1.05, 2.0), "up")
                text, req = f"<= {one(b)}", (None, b)
            elif form == "in":
                a = rnd_val(lo * factor(rnd, 0.6, 0.95), "down")
                b = rnd_val(hi * factor(rnd, 1.05, 1.6), "up")
                text, req = f"in {one(a)} .. {one(b)}", (a, b)
            else:
                mid = rnd_val((lo + hi) / 2, "near")
                if form == "=":
                    text, req = f"= {one(mid)}", (mid * F(9, 10), mid * F(11, 10))
                elif form == "=rel":
                    t = rnd.choice((10, 15, 20, 25))
                    sign = rnd.choice(("±", "+/-"))
                    text = f"= {one(mid)} {sign} {t}%"
                    req = (mid * (1 - F(t, 100)), mid * (1 + F(t, 100)))
                else:  # absolute, in the value's own unit
                    need = max(hi - mid, mid - lo) + mid / 50
                    t = (
                        F(-(-need.numerator // need.denominator))
                        if v.kind == "percent" or integral
                        else nice(need, "up", 2)
                    )
                    sign = rnd.choice(("±", "+/-"))
                    spelled = (
                        f"{fmt(t)}%"
                        if v.kind == "percent"
                        else dec(t)
                        if v.kind == "money" and len(v.cur) == 3
                        else fmt(t)
                    )
                    text, req = f"= {one(mid)} {sign} {spelled}", (mid - t, mid + t)
        else:
            if form == ">=":
                a = rnd_val(hi * factor(rnd, 1.25, 2.0), "up")
                text, req = f">= {one(a)}", (a, None)
            elif form == "<=":
                b = rnd_val(lo * factor(rnd, 0.4, 0.8), "down")
                text, req = f"<= {one(b)}", (None, b)
            elif form == "in":
                a = rnd_val(hi * factor(rnd, 1.2, 1.5), "up")
                b = rnd_val(a * factor(rnd, 1.1, 1.5), "up")
                text, req = f"in {one(a)} .. {one(b)}", (a, b)
            else:
                high = rnd.random() < 0.5
                x = rnd_val(hi * factor(rnd, 1.4, 2.0), "up") if high else rnd_val(lo * factor(rnd, 0.4, 0.6), "down")
                if form == "=" or form == "=abs":
                    text, req = f"= {one(x)}", (x * F(9, 10), x * F(11, 10))
                else:
                    t = rnd.choice((5, 10, 20))
                    text = f"= {one(x)} ± {t}%"
                    req = (x * (1 - F(t, 100)), x * (1 + F(t, 100)))
        if verdict(req[0], req[1], lo, hi) == ("full" if fit else "none"):
            return text
    raise AssertionError(f"no {'fitting' if fit else 'mismatched'} requirement for {v.spell()}")


# ---------------------------------------------------------------- dates


def last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def spell_date(rnd: random.Random, d: date) -> tuple[str, date]:
    """A random spelling of a date on or after d, and the day it means."""
    form = rnd.randrange(3)
    if form == 0:
        return d.isoformat(), d
    if form == 1:
        return f"{d.year}-{d.month:02d}", last_day(d.year, d.month)
    q = (d.month - 1) // 3 + 1
    return f"{d.year}-Q{q}", last_day(d.year, q * 3)


def late_date(rnd: random.Random, due: date) -> str:
    """A spelling of a date that ends strictly before `due`."""
    for _ in range(50):
        text, meant = spell_date(rnd, due - timedelta(days=rnd.randint(1, 120)))
        if meant < due:
            return text
    return (due - timedelta(days=1)).isoformat()


# ---------------------------------------------------------------- the plan


def definition(score: int, criterion: str) -> str:
    return f"SQL: score >= {score}, {criterion}"


def team_name(i: int, width: int) -> str:
    return f"t{i:0{width}d}"


def produce(rnd: random.Random) -> dict:
    """The team's produced values, with exact canonical numbers."""
    p = {}
    period = rnd.choice(COUNT_PERIODS)
    per_year = rnd.randint(1200, 24000)
    p["leads.volume"] = Value(
        "count", max(1, round(per_year / PER_YEAR[period])) * PER_YEAR[period], label="leads", period=period
    )
    period = rnd.choice(MONEY_PERIODS)
    p["partner.leads"] = Value(
        "count",
        max(1, round(rnd.randint(100, 3000) / PER_YEAR[period])) * PER_YEAR[period],
        label="leads",
        period=period,
    )
    if rnd.random() < 0.3:
        lo = rnd.randint(10, 35)
        p["win.rate"] = Value("percent", F(lo), F(lo + rnd.randint(1, 4)))
    else:
        p["win.rate"] = Value("percent", F(rnd.randint(8, 40)))
    if rnd.random() < 0.3:
        lo = rnd.randint(10, 120)
        p["deal.size"] = Value("money", F(lo * 1000), F((lo + rnd.randint(1, 10)) * 1000), cur="$")
    else:
        p["deal.size"] = Value("money", F(rnd.randint(10, 120) * 1000), cur="$")
    p["discount"] = Value("percent", F(rnd.randint(5, 30)))
    p["ramp.factor"] = Value("number", F(rnd.choice(("1", "1.1", "1.2", "1.25", "1.5", "2"))))
    p["headcount"] = Value("count", F(rnd.randint(3, 60)), label="reps")
    cur = rnd.choice(tuple(CURRENCIES))
    period = rnd.choice(MONEY_PERIODS)
    p["budget.opex"] = Value("money", rnd.randint(20, 900) * 1000 * PER_YEAR[period], cur=cur, period=period)
    if rnd.random() < 0.3:
        lo = rnd.randint(20, 100)
        p["cycle.days"] = Value("count", F(lo), F(lo + rnd.randint(2, 15)), label="days")
    else:
        p["cycle.days"] = Value("count", F(rnd.randint(20, 120)), label="days")
    return p


def revenue(p: dict, partner: dict | None) -> tuple[F, F]:
    """Exact worst and best case of tX.revenue per year (all inputs positive)."""
    out = []
    for end in ("lo", "hi"):
        win = getattr(p["win.rate"], end) / HUNDRED
        total = getattr(p["leads.volume"], end) * win * getattr(p["deal.size"], end)
        if partner is not None:
            total += getattr(partner["partner.leads"], end) * win * getattr(partner["deal.size"], end)
        total = total * (1 - p["discount"].lo / HUNDRED) / p["ramp.factor"].lo
        out.append(total)
    return out[0], out[1]


def generate(n: int, out: Path, seed: int) -> dict:
    rnd = random.Random(seed)
    width = max(4, len(str(n - 1)))
    names = [team_name(i, width) for i in range(n)]
    counts = dict.fromkeys(RULES, 0)
    teams = []

    # 1. what every team produces
    for i in range(n):
        p = produce(rnd)
        partner = None
        if n > 1:
            j = rnd.randrange(n - 1)
            partner = j + (j >= i)
        launch = date(YEAR, 2, 1) + timedelta(days=rnd.randrange(330))
        launch_text, launch_day = spell_date(rnd, launch)
        teams.append(
            {
                "p": p,
                "partner": partner,
                "launch": (launch_text, launch_day),
                "score": rnd.choice(SCORES),
                "criterion": rnd.choice(CRITERIA),
            }
        )

    # 2. exact derived values, bottom-up rollup
    for t in teams:
        p = t["p"]
        rev_lo, rev_hi = revenue(p, teams[t["partner"]]["p"] if t["partner"] is not None else None)
        per_head_period = rnd.choice(("month", "year"))
        target = rev_lo * factor(rnd, 0.1, 0.4) / p["headcount"].lo / PER_YEAR[per_head_period]
        per_head = nice(target, "down") * PER_YEAR[per_head_period]
        p["cost.per.head"] = Value("money", per_head, cur="$", period=per_head_period)
        cost = p["headcount"].lo * per_head
        t["rev"], t["cost"] = (rev_lo, rev_hi), cost
        t["contrib"] = (rev_lo - cost, rev_hi - cost)
        assert t["contrib"][0] > 0
    rollup = [t["contrib"] for t in teams]
    for i in range(n - 1, 0, -1):
        parent = (i - 1) // FANOUT
        rollup[parent] = (rollup[parent][0] + rollup[i][0], rollup[parent][1] + rollup[i][1])

    # 3. write the teams
    statements = lines = 0
    made_dirs = set()
    for i, t in enumerate(teams):
        x, p = names[i], t["p"]
        division = DIVISIONS[i % len(DIVISIONS)]
        folder = out / division / f"g{(i // len(DIVISIONS)) % GROUPS:02d}"
        body = [f"# Team {x} ({division}): generated plan.", f"team {x} {{", f'  owner "@bench/{x}"']
        if rnd.random() < 0.5:
            body.append(f'  owner "@bench/{division}"')
        body.append("")

        # goals
        rev_lo, rev_hi = t["rev"]
        if rnd.random() < P_SHORTFALL:
            g = nice(rev_hi * factor(rnd, 1.15, 1.6), "up")
            assert g > rev_hi
            counts["goal-shortfall"] += 1
            body.append(f"  goal {x}.revenue >= ${fmt(g)}/year")
        else:
            g = nice(rev_lo * factor(rnd, 0.6, 0.95), "down")
            assert g <= rev_lo
            body.append(f"  goal {x}.revenue >= ${fmt(g)}/year")
        pick = rnd.randrange(4)
        if pick == 0:
            w = p["win.rate"]
            a, b = max(1, int(w.lo) - rnd.randint(0, 3)), int(w.hi) + rnd.randint(0, 5)
            assert a <= w.lo and w.hi <= b
            body.append(f"  goal {x}.win.rate in {a}% .. {b}%")
        elif pick == 1:
            body.append(f"  goal {x}.headcount = {dec(p['headcount'].lo)} reps")
        elif pick == 2:
            g = nice(t["cost"] * factor(rnd, 1.05, 1.3), "up")
            assert t["cost"] <= g
            body.append(f"  goal {x}.cost <= ${fmt(g)}/year")
        else:
            g = nice(t["contrib"][0] * factor(rnd, 0.5, 0.9), "down")
            assert g <= t["contrib"][0]
            body.append(f"  goal {x}.contribution >= ${fmt(g)}/year")
        orphan = rnd.random() < P_ORPHAN
        if orphan:
            followers = rnd.randint(5, 200)
            body.append(f"  goal {x}.social.followers >= {followers - rnd.randint(1, 4)}k followers")
            counts["orphan-goal"] += 1
        body.append("")

        # produced values
        for metric in (
            "leads.volume",
            "partner.leads",
            "win.rate",
            "deal.size",
            "discount",
            "ramp.factor",
            "headcount",
            "cost.per.head",
            "budget.opex",
            "cycle.days",
        ):
            body.append(f"  produces {x}.{metric} = {p[metric].spell()}")
        body.append(f'  produces {x}.lead.definition = "{definition(t["score"], t["criterion"])}"')
        body.append(f"  produces {x}.launch.alpha by {t['launch'][0]}")
        if orphan:
            body.append(f"  produces {x}.social.followers = {followers}k followers")
        body.append("")

        # consumptions
        seen = set()
        wanted = rnd.randint(3, 6)
        while wanted > 0 and n > 1:
            if rnd.random() < P_UNRESOLVED:
                y = names[rnd.randrange(n)]
                name = (
                    f"{y}.{rnd.choice(('forecast', 'capacity', 'quota'))}.{rnd.choice(('plan', 'target', 'committed'))}"
                )
                if name in seen:
                    continue
                seen.add(name)
                tail = rnd.choice(("", f" >= {rnd.randint(10, 900)} leads/month", f" by {YEAR}-Q{rnd.randint(1, 4)}"))
                body.append(f"  consumes {name}{tail}")
                counts["unresolved-assumption"] += 1
                wanted -= 1
                continue
            j = rnd.randrange(n - 1)
            j += j >= i
            metric = rnd.choice(CONSUMABLE_NAMES)
            name = f"{names[j]}.{metric}"
            if name in seen:
                continue
            seen.add(name)
            wanted -= 1
            q = teams[j]
            if metric == "lead.definition":
                score = q["score"]
                if rnd.random() < P_DEFINITION_MISMATCH:
                    score = rnd.choice([s for s in SCORES if s != score])
                    counts["definition-mismatch"] += 1
                body.append(f'  consumes {name} = "{definition(score, q["criterion"])}"')
            elif metric == "launch.alpha":
                due = q["launch"][1]
                if rnd.random() < P_LATE:
                    body.append(f"  consumes {name} by {late_date(rnd, due)}")
                    counts["timing-mismatch"] += 1
                else:
                    needed = due + timedelta(days=rnd.randint(0, 90))
                    text, meant = spell_date(rnd, needed)
                    assert meant >= due
                    body.append(f"  consumes {name} by {text}")
            else:
                v = q["p"][metric]
                if metric == "budget.opex" and rnd.random() < P_UNIT_MISMATCH:
                    other = rnd.choice([c for c in CURRENCIES if CURRENCIES[c] != CURRENCIES[v.cur]])
                    shown = Value("money", v.lo, cur=other, period=v.period)
                    scale = PER_YEAR[v.period]
                    body.append(f"  consumes {name} >= {shown.spell_one(nice(v.lo / scale, 'down', 2) * scale)}")
                    counts["unit-mismatch"] += 1
                elif rnd.random() < 0.05:
                    body.append(f"  consumes {name}")  # only needs it to exist
                else:
                    fit = rnd.random() >= P_VALUE_MISMATCH
                    body.append(f"  consumes {name} {requirement(rnd, v, fit)}")
                    counts["value-mismatch"] += not fit
        body.append("")

        # derivations
        deals = f"{x}.deals * {x}.deal.size"
        if t["partner"] is not None:
            y = names[t["partner"]]
            deals += f" + {y}.partner.leads * {x}.win.rate * {y}.deal.size"
        children = [names[c] for c in range(FANOUT * i + 1, min(FANOUT * i + FANOUT, n - 1) + 1)]
        body += [
            f"  derive {x}.deals = {x}.leads.volume * {x}.win.rate",
            f"  derive {x}.revenue = ({deals}) * (100% - {x}.discount) / {x}.ramp.factor",
            f"  derive {x}.cost = {x}.headcount * {x}.cost.per.head",
            f"  derive {x}.contribution = {x}.revenue - {x}.cost",
            f"  derive {x}.rollup = " + " + ".join([f"{x}.contribution"] + [f"{c}.rollup" for c in children]),
            "}",
            "",
        ]
        statements += sum(1 for line in body if line.startswith("  ") and not line.startswith("  #"))
        lines += len(body) - 1
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        (folder / f"{x}.plan").write_text("\n".join(body), encoding="utf-8")

    # 4. the org
    total_lo = rollup[0][0]
    goal = nice(total_lo * F(9, 10), "down")
    assert goal <= total_lo
    firsts = names[:3]
    avg_lo = sum(teams[i]["p"]["win.rate"].lo for i in range(len(firsts))) / len(firsts)
    avg_hi = sum(teams[i]["p"]["win.rate"].hi for i in range(len(firsts))) / len(firsts)
    a, b = avg_lo.numerator // avg_lo.denominator - 1, -(-avg_hi.numerator // avg_hi.denominator) + 1
    assert a <= avg_lo and avg_hi <= b
    org = [
        "# The organisation's shared goals: every team goal rolls up to them.",
        "org bench {",
        '  owner "@bench/exec"',
        '  owner "@bench/finance"',
        "",
        f"  goal company.contribution >= ${fmt(goal)}/year",
        f"  goal company.win_rate in {a}% .. {b}%",
        "",
        f"  derive company.contribution = {names[0]}.rollup",
        f"  derive company.win_rate = ({' + '.join(f'{f}.win.rate' for f in firsts)}) / {len(firsts)}",
        "}",
        "",
    ]
    statements += 6
    lines += len(org) - 1
    out.mkdir(parents=True, exist_ok=True)
    (out / "org.plan").write_text("\n".join(org), encoding="utf-8")

    expected = {
        "generator": "benchmarks/gen_plan.py",
        "teams": n,
        "seed": seed,
        "files": n + 1,
        "lines": lines,
        "statements": statements,
        "exhaustive": True,
        "counts": {rule: c for rule, c in counts.items()},
        "findings": sum(counts.values()),
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", metavar="N", type=int, help="number of teams")
    parser.add_argument("out", metavar="OUT", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.out.exists() and any(args.out.rglob("*.plan")):
        parser.error(f"{args.out} already holds .plan files; give an empty or new folder")
    start = time.perf_counter()
    expected = generate(args.n, args.out, args.seed)
    print(json.dumps({**expected, "seconds": round(time.perf_counter() - start, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
