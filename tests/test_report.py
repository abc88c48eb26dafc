"""`planlint report`: one self-contained HTML page, checked as markup here (and in a real
browser in test_report_browser.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from planlint.cli import main
from planlint.output.layout import layered

ROOT = Path(__file__).resolve().parents[1]
ACME = ROOT / "examples" / "acme"

# Markup from the plan would show up as tags or attributes the report never writes itself.
HOSTILE = {
    "evil.plan": """\
team evil {
  owner "<script>alert(1)</script>"
  owner "<img src=x onerror=alert(2)>"
  goal evil.total >= 10 widgets
  produces evil.definition = "<b onmouseover=alert(3)>bold</b> & <a href='https://example.com'>link</a>"
  consumes ghost.thing = "</pre></li><iframe src=//example.com>"
  derive evil.total = ghost.count * 2
}
""",
    "victim.plan": """\
team victim {
  owner "' onload='alert(4)"
  consumes evil.definition = "<style>body{display:none}</style>"
}
""",
    "<img src=x onerror=alert(5)>.plan": "team broken {\n  produces x.y = 5 parsecs zz\n}\n",
}
OWN_TAGS = {
    "html", "head", "meta", "link", "title", "style", "body", "header", "h1", "h2", "h3", "p", "nav", "a", "main",
    "section", "div", "b", "table", "thead", "tbody", "tr", "th", "td", "code", "span", "i", "ul", "li", "ol",
    "svg", "defs", "marker", "path", "g", "text", "tspan", "rect", "article", "pre", "br", "footer",
}  # fmt: skip


def report(folder: Path, tmp_path: Path, *args: str) -> tuple[Result, str]:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "-o", str(out), *args, str(folder)])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 0, result.output
    return result, out.read_text(encoding="utf-8")


class Markup(HTMLParser):
    """Every tag and attribute of a page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def markup(page: str) -> Markup:
    parser = Markup()
    parser.feed(page)
    return parser


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ACME)
    return report(Path("."), tmp_path)[1]


def test_the_page_is_self_contained(acme: str) -> None:
    found = markup(acme)
    assert {tag for tag, _ in found.tags} <= OWN_TAGS
    links = [attrs.get("href") or attrs.get("src") for _, attrs in found.tags if "href" in attrs or "src" in attrs]
    assert links and all(link.startswith("#") or link == "data:," for link in links)
    assert "<script" not in acme and "@import" not in acme and "url(http" not in acme
    assert "default-src 'none'" in acme  # the browser would refuse any fetch, should one slip in


def test_every_anchor_resolves_and_findings_link_to_team_and_goal(acme: str) -> None:
    found = markup(acme)
    ids = {attrs["id"] for _, attrs in found.tags if "id" in attrs}
    targets = {attrs["href"][1:] for _, attrs in found.tags if (attrs.get("href") or "").startswith("#")}
    assert targets - ids == set()
    assert {"team-new_business", "goal-new_business-new_business.bookings", "goal-acme-company.revenue"} <= targets
    shortfall = acme[acme.index("new_business.bookings = $57M/year from what its producers deliver") :]
    links = shortfall[shortfall.index('<p class="links">') :]
    links = links[: links.index("</p>")]
    assert 'team <a href="#team-new_business">new_business</a>' in links
    assert 'goal <a href="#goal-new_business-new_business.bookings">new_business.bookings</a>' in links


def test_summary_counts_goals_and_draws_their_shares_worst_first(acme: str) -> None:
    tiles = re.findall(r'<div class="tile [\w-]+"><b>(\d+)</b> ([\w ]+)</div>', acme)
    assert tiles == [("2", "goals missed"), ("0", "goals at risk"), ("0", "goals not computable"), ("13", "goals met")]
    rows = re.findall(r'<tr class="([\w-]+)"><td><a href="#goal-[^"]+"><code>([\w.]+)</code>', acme)
    # 95% of $60M is further from its goal than 96% of $100M; then the met goals, the closest to the edge first
    assert rows[:3] == [
        ("missed", "new_business.bookings"),
        ("missed", "company.revenue"),
        ("met", "company.net_retention"),
    ]
    assert len(rows) == 15
    # a bar's full width is 150% of the goal: 95% fills 63.3% of it, the goal's line stands at 66.7%
    bookings = acme[acme.index("<code>new_business.bookings</code></a></td>") :]
    assert (
        '<span class="worst missed" style="width:63.3%"></span><i class="target" style="left:66.7%">' in bookings[:800]
    )
    assert '<span class="share-text">95%</span>' in bookings[:900]


def test_findings_are_counted_and_grouped_by_team_with_owners_and_source_lines(acme: str) -> None:
    counts = re.findall(
        r'<tr><td><a href="#team-(\w+)">\w+</a></td><td class="n">(\d+)</td><td class="n">(\d+)</td><td class="n">(\d+)</td></tr>',
        acme,
    )
    # each finding under the team whose line it sits on (examples/acme/README.md lists them): 8 errors, 1 warning
    assert counts == [
        ("new_business", "3", "0", "0"),
        ("marketing", "2", "0", "0"),
        ("acme", "1", "0", "0"),
        ("channel", "1", "0", "0"),
        ("customer_success", "1", "0", "0"),
        ("support", "0", "1", "0"),
    ]
    support = acme[acme.index('<article class="team" id="team-support">') :]
    support = support[: support.index("</article>")]
    assert "Owners: @acme/support" in support
    assert (
        "support assumes hiring.time_to_hire &lt;= 45 days, against what people produces (40 days .. 50 days)"
        in support
    )
    assert (
        '<pre class="source"><span class="line-number">12</span>  consumes hiring.time_to_hire &lt;= 45 days</pre>'
        in support
    )


def test_a_mismatch_on_an_input_links_to_the_goals_it_puts_at_risk(acme: str) -> None:
    mismatch = acme[acme.index("new_business assumes partners.avg_deal_value = $45k, 1.5×") :]
    links = mismatch[mismatch.index('<p class="links">') :]
    assert links[: links.index("</p>")] == (
        '<p class="links">team <a href="#team-channel">channel</a> · team <a href="#team-new_business">new_business</a>'
        ' · goal <a href="#goal-new_business-new_business.bookings">new_business.bookings</a> of new_business'
    )


def test_goals_show_their_derivation_and_closing_values(acme: str) -> None:
    goal = acme[acme.index('id="goal-new_business-new_business.bookings"') :]
    goal = goal[: goal.index("</article>")]
    assert "= <b>$57M/year</b>" in goal
    assert "new_business assumes = $45k: fails, 1.5×" in goal
    # $57M + (x - $30k) × 1200 × 25% = $60M: x = $40k
    assert "<li><code>partners.avg_deal_value</code> &gt;= $40k " in goal


def test_a_hostile_plan_stays_text(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    plan.mkdir()
    for name, text in HOSTILE.items():
        (plan / name).write_text(text, encoding="utf-8")
    _, page = report(plan, tmp_path)
    found = markup(page)
    assert {tag for tag, _ in found.tags} <= OWN_TAGS
    assert not [attrs for _, attrs in found.tags if any(name.startswith("on") for name in attrs)]
    text = "".join(found.text)
    for shown in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "<b onmouseover=alert(3)>bold</b>"):
        assert shown in text
    assert "<img src=x onerror=alert(5)>.plan" in text  # a file name, in the syntax error's place


def test_layers_run_from_producers_to_consumers_and_a_cycle_shares_a_layer() -> None:
    layout = layered(
        [("a", 1), ("b", 2), ("c", 1), ("d", 1), ("e", 1)], [("a", "b"), ("b", "c"), ("c", "d"), ("d", "c"), ("a", "e")]
    )
    layers = {name: box.layer for name, box in layout.boxes.items()}
    assert layers == {"a": 0, "b": 1, "e": 1, "c": 2, "d": 2}
    assert layout.boxes["a"].x < layout.boxes["b"].x < layout.boxes["c"].x == layout.boxes["d"].x
    assert layout.boxes["b"].height == 50 and layout.boxes["a"].height == 35
    assert len(layout.routes) == 5


def test_a_large_plan_draws_its_problems_and_says_what_it_left_out(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    plan.mkdir()
    for i in range(100):
        (plan / f"p{i}.plan").write_text(f"team p{i} {{\n  produces p{i}.v = 1\n}}\n", encoding="utf-8")
    (plan / "c.plan").write_text(
        "team c {\n" + "".join(f"  consumes p{i}.v = 1\n" for i in range(100)) + "  consumes p0.w >= 1\n}\n",
        encoding="utf-8",
    )
    _, page = report(plan, tmp_path)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('<a href="#team-') == 1 and svg.count('<g class="node">') == 1  # c, and nobody
    assert '<p class="note">100 assumptions that fit left out.</p>' in page
    assert '<p class="note">100 teams with no problem drawn left out.</p>' in page
    assert page.count('<li id="team-p') == 100  # every team is still listed, in a line each
