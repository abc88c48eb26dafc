"""Plan text made safe for each place an output goes: one escaper per sink, used by every format.

Everything a plan owner wrote (file names, team and value text, owners) comes
with the pull request, so it is written out as text and never as the sink's
own syntax:

- a terminal (`terminal`, `terminal_lines`): control characters, line and
  paragraph separators and bidirectional controls are shown as `\\x1b`,
  `\\u202e`, never obeyed (no colours, no cursor moves, no reordered text);
- GitHub workflow commands (`github_message`, `github_property`): `%`, CR and
  LF are the runner's syntax (`%25`, `%0D`, `%0A`), and in a property `:` and
  `,` too (`%3A`, `%2C`), so no plan text starts an `::error` line of its own;
- Markdown (`markdown_text`, `code_span`): HTML, table pipes, emphasis, links
  and `$` (maths) are escaped; mentions (`@org/team`, `@everyone`), issue
  references (`#123`, `org/repo#1`), commit hashes, bare URLs and e-mail
  addresses are put in code spans, where GitHub neither links nor notifies;
- SARIF message text (`sarif_text`): `[` and `]` would start a link to a location;
- Mermaid labels (`mermaid_label`): on one line (no `click` line of its
  own), no `%%{init}%%` directive, tag, entity, quote, pipe or backtick
  (each replaced by a character that looks alike).

JSON and XML are structured: their libraries escape what they must.
"""

from __future__ import annotations

import re

# Every character Python's str.splitlines breaks a line at: what some reader takes for a new line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK = re.compile(f"\r\n|[{LINE_BREAKS}]")


def one_line(text: str) -> str:
    """Text on one line: each line break (any a reader might see) and the spaces around it, one space."""
    if text.isprintable():  # no line break of any kind (none is printable): the common case
        return text.strip()
    return " ".join(part.strip() for part in _BREAK.split(text) if part.strip())


# Terminal --------------------------------------------------------------------

# C0 and C1 controls, line and paragraph separators, bidirectional marks and overrides.
_UNSAFE_ON_A_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_TAB_AND_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """One field (a file name, a value) for a terminal: every control character shown, not obeyed."""
    return text if text.isprintable() else _UNSAFE_ON_A_TERMINAL.sub(_shown, text)


def terminal_lines(text: str) -> str:
    """A message of several lines for a terminal: its `\\n` and tabs kept, every other control shown."""
    return text if text.isprintable() else _TAB_AND_NEWLINE.sub(_shown, text)


# GitHub workflow commands ----------------------------------------------------


def github_message(text: str) -> str:
    """A workflow command's message: %, CR and LF are the runner's own syntax."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value: additionally ':' ends the properties and ',' separates them."""
    return github_message(text).replace(":", "%3A").replace(",", "%2C")


# Markdown ----------------------------------------------------------------------

# What GitHub (and GitLab) would turn into a notification or a link, in plan text.
_LIVE = re.compile(
    r"""(?xi)
    (?:https?|ftp|file|mailto)://\S+ | www\.\S+                      # bare links
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                                   # e-mail addresses
    | @[a-z0-9][\w.-]*(?:/[\w.-]+)?                                  # @user, @org/team, @everyone
    | (?:[\w.-]+/[\w.-]+)?\#\d+ | \bGH-\d+\b                          # issue and pull request references
    | \b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b         # commit hashes
    """
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def markdown_text(text: str) -> str:
    """Plain text, on one line, safe in Markdown prose, list items and table cells (GitHub, GitLab);
    control characters shown as on a terminal (`terminal`), for whoever reads the file itself."""
    text = terminal(one_line(text))
    live: list[list[int]] = []  # where code spans go: touching matches make one span, as two side
    for found in _LIVE.finditer(text):  # by side read as one broken span (`#1```www.x`<img``)
        if live and live[-1][1] == found.start():
            live[-1][1] = found.end()
        else:
            live.append([found.start(), found.end()])
    pieces, at = [], 0
    for start, end in live:
        pieces.append(_markdown_plain(text[at:start]))
        pieces.append(code_span(text[start:end]))
        at = end
    pieces.append(_markdown_plain(text[at:]))
    return _LINE_START.sub(r"\1\\\2", "".join(pieces), count=1)


def _markdown_plain(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("$", "&#36;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code_span(text: str, in_table: bool = True) -> str:
    """`text` as an inline code span, on one line (controls shown as `terminal` shows them): nothing
    in it is a link, a mention or HTML.

    The fence is one backtick longer than any run of backticks inside. In a table cell a `|`
    would end the cell even in code, so it is written `\\|` (GitHub shows `|`)."""
    text = terminal(text) or " "  # a line break shown as `\x0a`: a file name is as it is
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return fence + (text.replace("|", "\\|") if in_table else text) + fence


# SARIF and Mermaid ---------------------------------------------------------------


def sarif_text(text: str) -> str:
    """A SARIF message's text: `[...](n)` would be a link to a location, so brackets are escaped."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


# Replaced by characters that look alike and mean nothing to Mermaid, not by its own `#quot;`
# codes, which Mermaid 11 shows undecoded in many labels.
_MERMAID_LOOK_ALIKES = str.maketrans({'"': "'", "`": "'", "|": "¦"})
_MERMAID_TAG = re.compile(r"<(?=[A-Za-z/!?])")  # `<=` stays as it is
_MERMAID_ENTITY = re.compile(r"#(?=\w+;)")
_MERMAID_DIRECTIVE = re.compile(r"%(?=%)")


def mermaid_label(text: str) -> str:
    """Text inside a quoted Mermaid label or edge text (`"…"`, `|"…"|`), on one line: no line break
    or double quote (nothing ends the label and starts a `click` line), no `%%` (no `%%{init}%%`
    directive), no tag, no `#name;` entity, no pipe or backtick, no control character."""
    text = terminal(one_line(text)).translate(_MERMAID_LOOK_ALIKES)
    return _MERMAID_DIRECTIVE.sub("% ", _MERMAID_ENTITY.sub("# ", _MERMAID_TAG.sub("‹", text)))
