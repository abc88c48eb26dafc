"""The HTML report in a real headless Chromium (Debian's `chromium` and `chromium-driver`,
driven by selenium): it loads with no console error, shows every finding and every team as
visible text, its anchors resolve, nothing is requested beyond the file itself, a hostile
plan renders as text, and it reads on a phone and in print.

Outside CI the tests skip, saying why, when Chromium or its driver is missing; with CI=true
they fail instead (`.ci/run` installs both). PLANLINT_UPDATE_SCREENSHOT=1 rewrites the
README's screenshot of the example report (docs/report-example.png).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planlint.cli import main
from test_report import HOSTILE

ROOT = Path(__file__).resolve().parents[1]
# Debian's paths; another machine can point elsewhere.
CHROMIUM = Path(os.environ.get("PLANLINT_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("PLANLINT_CHROMEDRIVER", "/usr/bin/chromedriver"))
SCREENSHOT = ROOT / "docs" / "report-example.png"
FLAGS = (
    "--headless=new",
    "--no-sandbox",  # as root in CI
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,900",
)


def _missing() -> list[str]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package (pip install -e '.[test]')")
    return missing


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    missing = _missing()
    if missing:
        reason = f"no headless Chromium to open the report in: missing {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; in CI, .ci/run installs them")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.get("about:blank")  # the start page's own requests, logged before any test reads the log
    try:
        yield driver
    finally:
        driver.quit()


def write_report(plan: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["report", "-o", str(out), str(plan)])
    assert result.exit_code == 0, result.output
    return out


def open_page(browser: Any, page: Path) -> dict[str, Any]:
    """Load `page` fresh; what the browser logged while it loaded."""
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(page.as_uri())
    browser.execute_script("return document.readyState")
    return {"console": browser.get_log("browser"), "network": browser.get_log("performance")}


# The browser's own pages (its start page, print preview) load resources of their own.
_BROWSER_OWN = ("chrome://", "chrome-untrusted://", "devtools://", "chrome-extension://", "about:")


def requests_made(performance_log: list[dict[str, Any]]) -> list[str]:
    """Every URL requested (CDP's network log) but by the browser's own pages, which request
    nothing from the network either (anything else: http, https, ws, ftp, counts wherever it comes from)."""
    urls = []
    for entry in performance_log:
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url, page = message["params"]["request"]["url"], message["params"].get("documentURL", "")
            if not page.startswith(_BROWSER_OWN) or not url.startswith(("data:", *_BROWSER_OWN)):
                urls.append(url)
    return urls


@pytest.fixture(scope="module")
def acme_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    cwd = os.getcwd()
    os.chdir(ROOT / "examples" / "acme")
    try:
        return write_report(Path("."), out)
    finally:
        os.chdir(cwd)


def test_loads_with_no_console_error_and_requests_nothing_but_itself(browser: Any, acme_page: Path) -> None:
    logs = open_page(browser, acme_page)
    assert [entry for entry in logs["console"] if entry["level"] in ("SEVERE", "WARNING")] == []
    assert requests_made(logs["network"]) == [acme_page.as_uri()]
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.title == "Plan interlock report"


def test_every_finding_and_every_team_is_visible_text(
    browser: Any, acme_page: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "examples" / "acme")
    checked = CliRunner().invoke(main, ["check", "--format", "json", "."])
    findings = json.loads(checked.stdout)["findings"]
    open_page(browser, acme_page)
    messages = [el for el in browser.find_elements("css selector", ".finding .message")]
    assert all(el.is_displayed() for el in messages)
    assert sorted(el.text for el in messages) == sorted(f["message"] for f in findings)
    assert len(findings) == 9
    teams = {
        "acme",
        "channel",
        "customer_success",
        "finance",
        "marketing",
        "new_business",
        "people",
        "product",
        "support",
    }
    headings = browser.find_elements("css selector", ".team-name")
    assert all(el.is_displayed() for el in headings)
    assert {el.text.removesuffix(" (the org)") for el in headings} == teams
    svg_names = {el.text for el in browser.find_elements("css selector", "svg a tspan.name")}
    assert svg_names == {"acme (org)", *(teams - {"acme"})}


def test_anchors_resolve_and_lead_to_their_team_and_goal(browser: Any, acme_page: Path) -> None:
    open_page(browser, acme_page)
    broken = browser.execute_script(
        "return [...document.querySelectorAll('a[href^=\"#\"]')]"
        ".map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id));"
    )
    assert broken == []
    count = browser.execute_script("return document.querySelectorAll('a[href^=\"#\"]').length")
    assert count > 60
    link = browser.find_element("css selector", '.finding .links a[href="#goal-acme-company.revenue"]')
    link.click()
    assert browser.execute_script("return location.hash") == "#goal-acme-company.revenue"
    top = browser.execute_script(
        "return document.getElementById('goal-acme-company.revenue').getBoundingClientRect().top"
    )
    assert abs(top) < 5  # scrolled to it
    # a box of the picture leads to its team's findings
    browser.find_element("css selector", 'svg a[href="#team-support"]').click()
    assert browser.execute_script("return location.hash") == "#team-support"


def test_a_hostile_plan_renders_as_text(browser: Any, tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    plan.mkdir()
    for name, text in HOSTILE.items():
        (plan / name).write_text(text, encoding="utf-8")
    page = write_report(plan, tmp_path / "hostile.html")
    logs = open_page(browser, page)
    assert [entry for entry in logs["console"] if entry["level"] == "SEVERE"] == []
    assert requests_made(logs["network"]) == [page.as_uri()]
    assert (
        browser.execute_script("return document.querySelectorAll('script, img, iframe, style:not(head style)').length")
        == 0
    )
    assert (
        browser.execute_script(
            "return [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )
    text = browser.find_element("tag name", "body").text
    for shown in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(2)>",
        "' onload='alert(4)",
        "<img src=x onerror=alert(5)>.plan",
        "\"<b onmouseover=alert(3)>bold</b> & <a href='https://example.com'>link</a>\"",
    ):
        assert shown in text
    assert browser.execute_script("return getComputedStyle(document.body).display") == "block"


def test_reads_on_a_phone_and_prints(browser: Any, acme_page: Path) -> None:
    # a phone's screen, 390 CSS pixels wide (a desktop window cannot be made that narrow)
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
    )
    try:
        open_page(browser, acme_page)
        assert browser.execute_script("return window.innerWidth") == 390
        page_width = browser.execute_script("return document.documentElement.clientWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= page_width
        # the picture scrolls inside its frame rather than shrinking its text away
        frame = browser.execute_script(
            "const p = document.querySelector('.picture'); return [p.clientWidth, p.scrollWidth]"
        )
        assert frame[1] > frame[0]
        assert (
            browser.execute_script("return getComputedStyle(document.querySelector('table.goals thead')).display")
            == "none"
        )
        widest = browser.execute_script(
            "return Math.max(...[...document.querySelectorAll('.tile, .bar, .finding, article')].map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 390
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": False})["data"])
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 3


def test_the_readme_shows_a_screenshot_of_the_example_report(browser: Any, acme_page: Path) -> None:
    if os.environ.get("PLANLINT_UPDATE_SCREENSHOT") == "1":
        open_page(browser, acme_page)
        height = browser.execute_script(
            "return document.querySelector('#interlock').getBoundingClientRect().bottom + scrollY"
        )
        clip = {"x": 0, "y": 0, "width": 1280, "height": int(height) + 16, "scale": 1}
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        SCREENSHOT.write_bytes(base64.b64decode(shot["data"]))
    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert f"({SCREENSHOT.relative_to(ROOT).as_posix()})" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("ci", ["true", ""])
def test_without_chromium_it_skips_outside_ci_and_fails_in_ci(ci: str) -> None:
    env = {**os.environ, "PLANLINT_CHROMIUM": "/nonexistent/chromium", "CI": ci}
    test = f"{Path(__file__).name}::test_loads_with_no_console_error_and_requests_nothing_but_itself"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:cacheprovider", test],
        cwd=Path(__file__).parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "missing /nonexistent/chromium" in run.stdout
    if ci:
        assert run.returncode == 1 and "1 error" in run.stdout and "in CI, .ci/run installs them" in run.stdout
    else:
        assert run.returncode == 0 and "1 skipped" in run.stdout


# Mermaid, rendered by Mermaid itself ------------------------------------------------------

MERMAID_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "planlint-tests" / "mermaid"


def mermaid_js() -> Path:
    """Mermaid 11's browser bundle: PLANLINT_MERMAID_JS, or the npm package, fetched once into a cache.
    Mermaid is not a dependency of planlint: without npm or the registry the test says why it skips."""
    given = os.environ.get("PLANLINT_MERMAID_JS")
    bundle = Path(given) if given else MERMAID_CACHE / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not bundle.is_file() and not given and shutil.which("npm"):
        MERMAID_CACHE.mkdir(parents=True, exist_ok=True)
        command = [
            "npm",
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(MERMAID_CACHE),
            "mermaid@11",
        ]
        subprocess.run(command, capture_output=True, timeout=600)
    if not bundle.is_file():
        pytest.skip(f"no Mermaid bundle at {bundle} (npm install mermaid@11, or set PLANLINT_MERMAID_JS)")
    return bundle


def render_mermaid(browser: Any, source: str, tmp_path: Path, bundle: Path) -> dict[str, Any]:
    """Render `source` as GitHub does (mermaid.run, strict security); the text and tags it shows."""
    import html

    page = tmp_path / "mermaid.html"
    page.write_text(
        f'<html><body><pre class="mermaid">{html.escape(source)}</pre><script src="{bundle.as_uri()}"></script>'
        '<script>mermaid.initialize({startOnLoad: false, securityLevel: "strict"});'
        "mermaid.run().then(() => { document.title = 'rendered'; }, e => { document.title = 'error: ' + e; });"
        "</script></body></html>",
        encoding="utf-8",
    )
    browser.get(page.as_uri())
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 60).until(lambda driver: driver.title)
    return browser.execute_script(
        "const svg = document.querySelector('pre.mermaid svg');"
        "return {title: document.title, text: svg ? svg.textContent.replace(/\\s+/g, ' ') : '',"
        " tags: svg ? [...new Set([...svg.querySelectorAll('*')].map(e => e.localName))] : [],"
        " handlers: svg ? [...svg.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length : -1};"
    )


@pytest.mark.parametrize("drawing", ["acme", "metric", "hostile"])
def test_mermaid_renders_in_mermaid_and_plan_text_stays_text(browser: Any, tmp_path: Path, drawing: str) -> None:
    bundle = mermaid_js()
    plan, args = ROOT / "examples" / "acme", []
    if drawing == "metric":
        args = ["--metric", "company.revenue"]
    elif drawing == "hostile":
        plan = tmp_path / "plan"
        plan.mkdir()
        from test_graph import HOSTILE as HOSTILE_GRAPH

        (plan / "evil.plan").write_text(HOSTILE_GRAPH, encoding="utf-8")
    source = CliRunner().invoke(main, ["graph", *args, str(plan)]).stdout
    shown = render_mermaid(browser, source, tmp_path, bundle)
    assert shown["title"] == "rendered", shown["title"]
    assert shown["handlers"] == 0
    assert not {"img", "script", "b", "iframe", "a"} & set(shown["tags"])
    expected = {
        "acme": [
            "partners.avg_deal_value: $30k, assumed = $45k (mismatch)",
            "goal company.revenue >= $100M/year: $96M/year, 96% (missed)",
        ],
        "metric": ["new_business.bookings = $57M/year", "leads.win_rate: 20%, assumed = 21% ± 2%"],
        "hostile": ["click t_evil call alert(1)", "‹img src=x onerror=alert(1)>", "% %{init}% %"],
    }[drawing]
    # Mermaid wraps a long label where its measured width says, which can change from run to run
    # (fonts measured before they load): a wrapped line joins its neighbour without a space.
    shown_unwrapped = "".join(shown["text"].split())
    for text in expected:
        assert "".join(text.split()) in shown_unwrapped, (text, shown["text"])
