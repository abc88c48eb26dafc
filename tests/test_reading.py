"""Reading files ahead (`files.read_in_order`): the same bytes and problems as reading each alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from planlint.run import files
from planlint.run.files import Unread, read_source


def _sources(tmp_path: Path, count: int) -> list[tuple[str, files.Source]]:
    sources: list[tuple[str, files.Source]] = []
    for index in range(count):
        path = tmp_path / f"t{index}.plan"
        kind = index % 5
        if kind == 1:
            path.mkdir()
        elif kind == 2 and hasattr(os, "mkfifo"):
            os.mkfifo(path)
        elif kind != 3:  # 3: a file that does not exist
            path.write_text(f"team t{index} {{\n}}\n" * (index + 1), encoding="utf-8")
        sources.append((path.name, Unread(str(path)) if kind != 4 else b"already read"))
    return sources


@pytest.mark.parametrize("count", [0, 3, files.READ_AHEAD, files.READ_AHEAD * 3 + 1])
def test_reading_ahead_gives_what_reading_one_by_one_gives(count: int, tmp_path: Path) -> None:
    sources = _sources(tmp_path, count)
    expected = [read_source(source.path, shown) if isinstance(source, Unread) else source for shown, source in sources]
    assert list(files.read_in_order(sources)) == expected


def test_stopping_early_closes_every_file_opened_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened, closed = set(), set()
    real_open, real_close = os.open, os.close
    monkeypatch.setattr(
        os, "open", lambda *args, **kwargs: (lambda fd: opened.add(fd) or fd)(real_open(*args, **kwargs))
    )
    monkeypatch.setattr(os, "close", lambda fd: closed.add(fd) or real_close(fd))
    reading = files.read_in_order(_sources(tmp_path, files.READ_AHEAD * 2))
    next(reading)
    reading.close()
    assert opened and opened == closed


# Plan files stay inside the repository (issue 18) ---------------------------------------

SECRET = "AWS_SECRET=hunter2-from-outside"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the repository holding what a link in it must never reveal."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.plan").write_text(SECRET + "\n", encoding="utf-8")
    (folder / "env").write_text(SECRET + "\n", encoding="utf-8")
    return folder


def _every_output(planlint, repo: Path, *args: str) -> tuple[int, str]:
    codes, texts = set(), []
    for output in ("text", "json", "sarif", "github", "concise", "rdjson", "gitlab", "junit"):
        done = planlint("check", "--format", output, *args, cwd=repo)
        codes.add(done.returncode)
        texts.append(done.stdout + done.stderr)
    assert len(codes) == 1, codes
    return codes.pop(), "\n".join(texts)


def test_a_plan_file_linked_outside_the_repository_is_refused(hostile_repo, planlint, outside: Path) -> None:
    repo = hostile_repo(
        {"extra/ops.plan": "team ops {\n  consumes nobody.makes_this\n}\n"},
        links={
            "environ.plan": "/proc/self/environ",
            "absolute.plan": str(outside / "secret.plan"),
            "team/relative.plan": "../../outside/secret.plan",
            "inside.plan": "extra/ops.plan",  # a link within the repository is fine
        },
    )
    code, output = _every_output(planlint, repo, ".")
    assert code == 1 and SECRET not in output and "hunter2" not in output
    assert "PATH=" not in output  # nothing of the process's environment
    done = planlint("check", "--format", "json", ".", cwd=repo)
    findings = json.loads(done.stdout)["findings"]
    refused = {f["path"]: f for f in findings if "outside the repository" in f["message"]}
    assert sorted(refused) == ["absolute.plan", "environ.plan", "team/relative.plan"]
    assert all((f["rule"], f["line"], f["column"]) == ("syntax-error", 1, 1) for f in refused.values())
    assert refused["environ.plan"]["message"] == (
        "this file is a link to /proc/self/environ, outside the repository; planlint reads nothing outside it"
    )
    # The rest of the plan is checked, the link inside the repository included.
    checked = {(f["path"], f["rule"]) for f in findings if f["path"] not in refused}
    assert ("good.plan", "value-mismatch") in checked and ("inside.plan", "duplicate-team") in checked


def test_a_plan_folder_linked_outside_the_repository_is_refused(hostile_repo, planlint, outside: Path) -> None:
    repo = hostile_repo(links={"plans": str(outside)})
    code, output = _every_output(planlint, repo, ".")  # the walk never enters a linked folder
    assert code == 1 and "hunter2" not in output
    code, output = _every_output(planlint, repo, "plans", "good.plan")  # named: refused, said so
    assert code == 1 and "hunter2" not in output
    findings = json.loads(planlint("check", "--format", "json", "plans", "good.plan", cwd=repo).stdout)["findings"]
    assert [(f["path"], f["message"]) for f in findings if f["path"] == "plans"] == [
        ("plans", f"this folder is a link to {outside}, outside the repository; planlint reads nothing outside it")
    ]
    assert [f["path"] for f in findings if f["rule"] == "value-mismatch"] == ["good.plan"]


def test_a_file_named_with_bytes_that_are_not_utf8_is_shown_escaped(hostile_repo, planlint, tmp_path: Path) -> None:
    repo = hostile_repo()
    name = os.fsencode(str(repo)) + b"/caf\xe9.plan"
    with open(name, "wb") as handle:
        handle.write(b"team cafe {\n  consumes nobody.makes_this\n}\n")
    out = tmp_path / "out"
    for output in ("json", "sarif", "rdjson", "gitlab", "junit", "github", "text"):
        done = planlint("check", "--format", output, "--format", f"{output}:{out}/report.{output}", ".", cwd=repo)
        assert done.returncode == 1 and done.stderr == "", (output, done.stderr)
        written = (out / f"report.{output}").read_text(encoding="utf-8")
        shown = {
            "sarif": "caf%5Cxe9.plan",
            "json": "caf\\\\xe9.plan",
            "rdjson": "caf\\\\xe9.plan",
            "gitlab": "caf\\\\xe9.plan",
        }
        assert shown.get(output, "caf\\xe9.plan") in written
        assert "good.plan" in written and "caf?" not in done.stdout
    findings = json.loads((out / "report.json").read_text(encoding="utf-8"))["findings"]
    assert sorted((f["path"], f["rule"]) for f in findings) == [
        ("caf\\xe9.plan", "unresolved-assumption"),
        ("good.plan", "value-mismatch"),
    ]


def test_absolute_paths_are_shown_as_each_file_resolved_alone(tmp_path: Path) -> None:
    """`display_paths` resolves a folder once for all its files: the names are those of resolving each
    file alone, through a symlinked file, a symlinked folder, `..`, and a file outside the folder."""
    here = (tmp_path / "repo").resolve()
    (here / "plans").mkdir(parents=True)
    (here / "plans" / "a.plan").write_text("", encoding="utf-8")
    (here / "plans" / "b.plan").write_text("", encoding="utf-8")
    (here / "plans" / "link.plan").symlink_to(here / "plans" / "b.plan")
    (here / "through").symlink_to(here / "plans", target_is_directory=True)
    (tmp_path / "elsewhere.plan").write_text("", encoding="utf-8")
    paths = [
        str(here / "plans" / "a.plan"),
        str(here / "plans" / "link.plan"),  # shown as what it links to, as resolving it alone does
        str(here / "through" / "a.plan"),
        str(here / "through" / ".." / "plans" / "b.plan"),
        str(tmp_path / "elsewhere.plan"),  # not below the folder: shown as given
        "plans/a.plan",
    ]
    assert files.display_paths(paths, here) == [
        "plans/a.plan",
        "plans/b.plan",
        "plans/a.plan",
        "plans/b.plan",
        (tmp_path / "elsewhere.plan").as_posix(),
        "plans/a.plan",
    ]
