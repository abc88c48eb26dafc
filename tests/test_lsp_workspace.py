"""The language server's workspace and answers, in process: the plan as the editor sees it
(files on disk under the unsaved text of open documents), and every answer on half-typed text."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from planlint.commands.lsp import actions, answers
from planlint.commands.lsp.positions import char_column, client_column, use_encoding
from planlint.commands.lsp.workspace import Workspace, project_root

PRODUCER = "team marketing {\n  produces leads.avg_deal_value = $24k\n}\n"
CONSUMER = "team sales {\n  consumes leads.avg_deal_value = $50k\n}\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "marketing.plan").write_text(PRODUCER, encoding="utf-8")
    (tmp_path / "sales.plan").write_text(CONSUMER, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a plan", encoding="utf-8")
    return tmp_path


def codes(workspace: Workspace, shown: str) -> list[str]:
    return [finding.code for finding in workspace.snapshot().findings_in(shown)]


def test_unsaved_text_counts_until_the_document_is_closed(folder: Path) -> None:
    workspace = Workspace([folder])
    assert [shown for shown, _ in workspace.sources()] == ["marketing.plan", "sales.plan"]
    assert codes(workspace, "sales.plan") == ["PL102"]
    workspace.open(folder / "marketing.plan", PRODUCER.replace("$24k", "$50k"))
    assert workspace.stale
    assert codes(workspace, "sales.plan") == []
    workspace.close(folder / "marketing.plan")
    assert codes(workspace, "sales.plan") == ["PL102"]


def test_a_new_file_counts_once_opened_or_saved(folder: Path) -> None:
    workspace = Workspace([folder])
    workspace.open(folder / "draft.plan", "team draft {\n  consumes leads.nothing\n}\n")
    assert codes(workspace, "draft.plan") == ["PL101"]
    workspace.close(folder / "draft.plan")
    assert workspace.snapshot().file("draft.plan") is None
    (folder / "later.plan").write_text("team later {\n  consumes leads.nothing\n}\n", encoding="utf-8")
    workspace.saved(folder / "later.plan")
    assert codes(workspace, "later.plan") == ["PL101"]


def test_the_configuration_is_read_again_when_saved(folder: Path) -> None:
    workspace = Workspace([folder])
    (folder / "planlint.toml").write_text('ignore = ["value-mismatch"]\n', encoding="utf-8")
    workspace.saved(folder / "planlint.toml")
    assert codes(workspace, "sales.plan") == []
    (folder / "planlint.toml").write_text('tolerance = "lots"\n', encoding="utf-8")
    workspace.saved(folder / "planlint.toml")
    assert workspace.config_problem is not None and "tolerance" in workspace.config_problem
    assert codes(workspace, "sales.plan") == ["PL102"]  # checked with the defaults meanwhile
    assert workspace.config.cache is False


@pytest.mark.parametrize(("encoding", "after_emoji"), [("utf-16", 9), ("utf-8", 11), ("utf-32", 8)])
def test_columns_count_in_the_clients_units(encoding: str, after_emoji: int) -> None:
    line = 'owner "😀" # 😀x'
    use_encoding(encoding)
    try:
        assert client_column(line, 8) == after_emoji  # the emoji counts 2, 4 or 1 units
        assert char_column(line, after_emoji) == 8
        assert char_column(line, 999) == len(line)
    finally:
        use_encoding("utf-16")


def test_name_at() -> None:
    line = "  derive a.b = leads.volume * (x.y)"
    assert answers.name_at(line, 17) == "leads.volume"
    assert answers.name_at(line, 27) == "leads.volume"  # just after it
    assert answers.name_at(line, 32) == "x.y"
    assert answers.name_at(line, 4) is None  # `derive`: a keyword, no name
    assert answers.name_at("  consumes leads.", 17) is None


SCENARIOS = Path(__file__).parent / "scenarios"


def test_every_answer_on_every_prefix_of_every_scenario_file(folder: Path) -> None:
    workspace = Workspace([folder])
    path = folder / "typing.plan"
    whole = types.Range(types.Position(0, 0), types.Position(10_000, 0))
    for source in sorted(SCENARIOS.rglob("*.plan")):
        text = source.read_bytes().decode("utf-8", errors="replace")
        for end in range(len(text) + 1):
            prefix = text[:end]
            workspace.change(path, prefix)
            snapshot = workspace.snapshot()
            lines = prefix.split("\n")
            name = answers.name_at(lines[-1], len(lines[-1])) or "leads.volume"
            answers.hover(snapshot, name)
            answers.definition(snapshot, name)
            answers.references(snapshot, name, True)
            answers.completion(snapshot, len(lines) - 1, lines[-1], len(lines[-1]))
            answers.document_symbols(snapshot, "typing.plan")
            answers.workspace_symbols(snapshot, "")
            answers.formatting("typing.plan", prefix)
            actions.code_actions(snapshot, "typing.plan", path.as_uri(), whole)


def test_planlint_check_never_imports_the_language_server(folder: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys\nfrom planlint.cli import main\ntry:\n    main(['check', '--no-cache', sys.argv[1]])\n"
        "except SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))"
    )
    run = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, timeout=60)
    assert "PL102" in run.stdout
    assert run.stdout.rstrip().endswith("[]"), run.stdout + run.stderr


def test_a_hover_stays_short_on_a_long_chain_with_many_consumers(tmp_path: Path) -> None:
    chain = "\n".join(f"  derive chain.x{i} = chain.x{i - 1} + 1" for i in range(1, 30))
    consumers = "\n".join(f"team c{i} {{\n  consumes chain.x29 >= {i}\n}}" for i in range(20))
    (tmp_path / "p.plan").write_text(
        f"team a {{\n  produces chain.x0 = 1\n{chain}\n}}\n{consumers}\n", encoding="utf-8"
    )
    snapshot = Workspace([tmp_path]).snapshot()
    hover = answers.hover(snapshot, "chain.x29")
    assert hover is not None
    text = hover.contents.value
    assert text.startswith("```text\nchain.x29 = 30 from what its producers deliver\n")
    assert text.count("assumes >= ") == answers.HOVER_CONSUMERS
    assert "... and 12 more consumers: find all references to list them" in text
    assert "chain.x28: derived further" in text and "chain.x27" not in text


def test_without_folders_only_open_documents_count_and_the_project_is_found(folder: Path) -> None:
    workspace = Workspace([])
    assert workspace.sources() == []
    workspace.open(folder / "sales.plan", CONSUMER)
    assert codes(workspace, workspace.shown(folder / "sales.plan")) == ["PL101"]  # marketing's file is not read
    (folder / "deep").mkdir()
    assert project_root(folder / "deep" / "x.plan") == folder / "deep"
    (folder / "planlint.toml").write_text("", encoding="utf-8")
    assert project_root(folder / "deep" / "x.plan") == folder
