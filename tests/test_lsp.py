"""`planlint lsp`, driven over stdio by pytest-lsp as an editor would drive it.

Two teams' files in a workspace folder: marketing produces what sales consumes.
Positions in the protocol count from 0.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

MARKETING = """\
team marketing {
  owner "@acme/marketing"
  produces leads.avg_deal_value = $24k
  produces leads.volume = 4000 leads/year
}
"""
SALES = """\
team sales {
  owner "@acme/sales"
  goal sales.revenue >= $20M/year
  consumes leads.avg_deal_value = $50k
  consumes leads.volume >= 2000 leads/year
  derive sales.revenue = leads.volume * leads.avg_deal_value
}
"""
WAIT = 30.0  # seconds: far more than a debounced check of two files takes, even on a loaded CI machine


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "planlint", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    (tmp_path / "marketing.plan").write_text(MARKETING, encoding="utf-8")
    (tmp_path / "sales.plan").write_text(SALES, encoding="utf-8")
    folder = types.WorkspaceFolder(tmp_path.as_uri(), "plans")
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri(), workspace_folders=[folder]
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def open_file(client: LanguageClient, folder: Path, name: str, text: str) -> str:
    uri = (folder / name).as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "planlint", 1, text)))
    return uri


def change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version, uri), [types.TextDocumentContentChangeWholeDocument(text)]
        )
    )


async def diagnostics_until(client: LanguageClient, uri: str, wanted) -> list[types.Diagnostic]:
    """The file's diagnostics once `wanted(codes)` holds, looking at what the client recorded.

    pytest-lsp records every publication in `client.diagnostics`, so this looks every 50 ms
    instead of waiting for the next notification: a wait cut short by a timeout leaves pytest-lsp
    a cancelled future, and the notification that comes later then breaks the client (a CI run
    failed so: "InvalidStateError: CANCELLED")."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and wanted([d.code for d in found]):
            return found
        assert loop.time() < deadline, f"no such diagnostics in {WAIT} s: {[d.code for d in found or []]}"
        await asyncio.sleep(0.05)


def errors_logged(client: LanguageClient) -> list[str]:
    return [m.message for m in client.log_messages if m.type == types.MessageType.Error]


async def opened(client: LanguageClient, folder: Path) -> tuple[str, str]:
    marketing = open_file(client, folder, "marketing.plan", MARKETING)
    sales = open_file(client, folder, "sales.plan", SALES)
    await diagnostics_until(client, sales, lambda codes: "PL102" in codes)
    return marketing, sales


@pytest.mark.asyncio
async def test_a_change_in_marketing_updates_the_diagnostics_of_sales(client: LanguageClient, tmp_path: Path) -> None:
    marketing, sales = await opened(client, tmp_path)
    [mismatch] = [d for d in client.diagnostics[sales] if d.code == "PL102"]
    assert mismatch.message.startswith(
        "sales assumes leads.avg_deal_value = $50k, 2.08× what marketing produces ($24k)"
    )
    assert mismatch.severity == types.DiagnosticSeverity.Error
    assert (mismatch.range.start.line, mismatch.range.start.character, mismatch.range.end.character) == (3, 2, 38)
    assert mismatch.code_description.href.endswith("/rules/value_mismatch.py")
    [related] = mismatch.related_information
    assert (related.location.uri, related.location.range.start.line) == (marketing, 2)
    # $48k is within 10% of $50k: once marketing's unsaved text says so, sales' finding is gone.
    change(client, marketing, MARKETING.replace("$24k", "$48k"), 2)
    await diagnostics_until(client, sales, lambda codes: "PL102" not in codes)
    assert errors_logged(client) == []


@pytest.mark.asyncio
async def test_hover_tells_who_produces_and_who_consumes(client: LanguageClient, tmp_path: Path) -> None:
    _, sales = await opened(client, tmp_path)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(sales), types.Position(3, 15))
    )
    text = hover.contents.value
    assert text.startswith("```text\nleads.avg_deal_value = $24k\n")
    assert "marketing produces it = $24k  marketing.plan:3" in text
    assert "sales assumes = $50k, gets $24k: does not fit, 2.08× what is delivered  sales.plan:4" in text
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(sales), types.Position(0, 1))
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_definition_and_references(client: LanguageClient, tmp_path: Path) -> None:
    marketing, sales = await opened(client, tmp_path)
    where = types.TextDocumentIdentifier(sales)
    found = await client.text_document_definition_async(types.DefinitionParams(where, types.Position(4, 14)))
    assert (found.uri, found.range.start.line, found.range.start.character) == (marketing, 3, 2)
    uses = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=False),
            text_document=where,
            position=types.Position(4, 14),
        )
    )
    # the `consumes` line, and `leads.volume` inside the derive (line 5, column 25)
    assert sorted((u.uri, u.range.start.line, u.range.start.character) for u in uses) == [(sales, 4, 2), (sales, 5, 25)]


@pytest.mark.asyncio
async def test_symbols(client: LanguageClient, tmp_path: Path) -> None:
    _, sales = await opened(client, tmp_path)
    [team] = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(sales))
    )
    assert (team.name, team.detail, team.range.start.line, team.range.end.line) == ("sales", "team", 0, 5)
    assert [(c.name, c.detail) for c in team.children] == [
        ("owner @acme/sales", ""),
        ("goal sales.revenue", ">= $20M/year"),
        ("consumes leads.avg_deal_value", "= $50k"),
        ("consumes leads.volume", ">= 4,000 leads/year".replace("4,000", "2,000")),
        ("derive sales.revenue", "= leads.volume * leads.avg_deal_value"),
    ]
    names = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="LEADS"))
    assert sorted(s.name for s in names) == ["leads.avg_deal_value", "leads.volume"]


@pytest.mark.asyncio
async def test_completion(client: LanguageClient, tmp_path: Path) -> None:
    _, sales = await opened(client, tmp_path)
    draft = open_file(client, tmp_path, "draft.plan", "team draft {\n  consumes ")
    found = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(draft), types.Position(1, 11))
    )
    items = {item.label: item for item in found.items}
    assert items["leads.avg_deal_value"].detail == "marketing: $24k"
    assert items["sales.revenue"].detail == "sales: derived"
    assert {"consumes", "produces", "team", "by", "leads", "USD"} <= set(items)
    change(client, draft, "team draft {\n  consumes lea", 2)
    found = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(draft), types.Position(1, 14))
    )
    names = [item for item in found.items if item.kind == types.CompletionItemKind.Variable]
    assert [item.label for item in names] == ["leads.avg_deal_value", "leads.volume"]
    edit = names[1].text_edit
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (11, 14, "leads.volume")
    change(client, sales, SALES.replace("$20M/year", "$20M/"), 3)
    periods = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(sales), types.Position(2, 29))
    )
    assert [item.label for item in periods.items] == ["year", "quarter", "month", "week", "day"]


@pytest.mark.asyncio
async def test_formatting(client: LanguageClient, tmp_path: Path) -> None:
    _, sales = await opened(client, tmp_path)
    change(client, sales, SALES.replace("  consumes leads.volume >=", "consumes   leads.volume>="), 2)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(types.TextDocumentIdentifier(sales), types.FormattingOptions(2, True))
    )
    [edit] = edits
    assert edit.new_text == SALES
    assert (edit.range.start.line, edit.range.end.line, edit.range.end.character) == (0, 7, 0)
    change(client, sales, SALES.replace("consumes leads.volume", "consume leads.volume"), 3)
    refused = await client.text_document_formatting_async(
        types.DocumentFormattingParams(types.TextDocumentIdentifier(sales), types.FormattingOptions(2, True))
    )
    assert refused is None


@pytest.mark.asyncio
async def test_a_did_you_mean_is_a_code_action_that_clears_the_error(client: LanguageClient, tmp_path: Path) -> None:
    _, sales = await opened(client, tmp_path)
    typo = SALES.replace("consumes leads.volume", "consume leads.volume")
    change(client, sales, typo, 2)
    await diagnostics_until(client, sales, lambda codes: codes == ["PL001"])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(sales),
            types.Range(types.Position(4, 0), types.Position(4, 0)),
            types.CodeActionContext(diagnostics=client.diagnostics[sales]),
        )
    )
    [action] = actions  # the fix model's safe fix, the preferred one
    assert (action.title, action.kind, action.is_preferred) == ("write 'consumes'", "quickfix", True)
    [edit] = action.edit.changes[sales]
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character) == (4, 2, 9)
    lines = typo.split("\n")
    lines[4] = lines[4][:2] + edit.new_text + lines[4][9:]
    assert "\n".join(lines) == SALES
    change(client, sales, "\n".join(lines), 3)
    await diagnostics_until(client, sales, lambda codes: "PL001" not in codes and "PL102" in codes)


@pytest.mark.asyncio
async def test_plan_on_what_is_delivered_is_a_code_action_that_clears_the_mismatch(
    client: LanguageClient, tmp_path: Path
) -> None:
    _, sales = await opened(client, tmp_path)
    await diagnostics_until(client, sales, lambda codes: "PL102" in codes)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(sales),
            types.Range(types.Position(3, 5), types.Position(3, 5)),
            types.CodeActionContext(diagnostics=client.diagnostics[sales]),
        )
    )
    [action] = actions  # an unsafe fix: offered, not preferred
    assert (action.title, action.is_preferred) == ("sales plans on what marketing delivers: $24k", None)
    [edit] = action.edit.changes[sales]
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character) == (3, 32, 38)
    assert edit.new_text == "= $24k"
    lines = SALES.split("\n")
    lines[3] = lines[3][:32] + edit.new_text + lines[3][38:]
    change(client, sales, "\n".join(lines), 2)
    await diagnostics_until(client, sales, lambda codes: "PL102" not in codes)


SCENARIOS = Path(__file__).parent / "scenarios"


@pytest.mark.asyncio
async def test_every_prefix_of_every_scenario_file_answers(client: LanguageClient, tmp_path: Path) -> None:
    """Half-typed text never fails a request: each prefix is sent as a change, and every few
    characters (and at each line's end) every request is made at the prefix's end."""
    uri = open_file(client, tmp_path, "typing.plan", "")
    version = 1
    where = types.TextDocumentIdentifier(uri)
    for path in sorted(SCENARIOS.rglob("*.plan")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for end in range(len(text) + 1):
            version += 1
            prefix = text[:end]
            change(client, uri, prefix, version)
            if end % 7 and not prefix.endswith("\n") and end != len(text):
                continue
            lines = prefix.split("\n")
            at = types.Position(len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)
            results = await asyncio.gather(
                client.text_document_hover_async(types.HoverParams(where, at)),
                client.text_document_definition_async(types.DefinitionParams(where, at)),
                client.text_document_completion_async(types.CompletionParams(where, at)),
                client.text_document_document_symbol_async(types.DocumentSymbolParams(where)),
                client.text_document_formatting_async(
                    types.DocumentFormattingParams(where, types.FormattingOptions(2, True))
                ),
                return_exceptions=True,
            )
            failed = [r for r in results if isinstance(r, BaseException)]
            assert failed == [], (path.name, end, failed)
    assert errors_logged(client) == []
