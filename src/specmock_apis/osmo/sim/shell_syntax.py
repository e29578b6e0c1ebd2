"""Reading a bash command line without running it: split at ; && || outside quotes, expand
variables, then split words with shlex. What the simulated shell does not support (pipes,
redirections, command substitution) is refused with a bash-like message, never run."""

from __future__ import annotations

import shlex
from collections.abc import Callable


class ShellSyntaxError(Exception):
    """A line bash would refuse before running anything; the message is bash's."""


_UNSUPPORTED = "is not supported by this simulated shell (only ; && and || sequences are)"


def segments(line: str) -> list[tuple[str, str]]:
    """The commands of a line as (operator before it, text), split outside quotes at ; && ||."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    quote = ""
    before = ""
    i = 0

    def close(operator: str) -> None:
        nonlocal before
        text = "".join(current).strip()
        if not text:
            raise ShellSyntaxError(f"bash: syntax error near unexpected token `{operator}'")
        out.append((before, text))
        current.clear()
        before = operator

    while i < len(line):
        c = line[i]
        if quote == "'":
            current.append(c)
            quote = "" if c == "'" else quote
            i += 1
            continue
        if c == "\\":
            if i + 1 == len(line):
                raise ShellSyntaxError("bash: syntax error: unexpected end of file")
            current.append(line[i : i + 2])
            i += 2
            continue
        if c == "`" or line.startswith("$(", i):
            raise ShellSyntaxError(f"bash: command substitution {_UNSUPPORTED}")
        if quote == '"':
            current.append(c)
            quote = "" if c == '"' else quote
            i += 1
            continue
        if c in "'\"":
            quote = c
            current.append(c)
        elif c == "#" and (not current or current[-1].isspace()):
            break  # a comment runs to the end of the line
        elif line.startswith(("&&", "||"), i):
            close(line[i : i + 2])
            i += 1
        elif c == ";":
            close(c)
        elif c in "|&<>()":
            raise ShellSyntaxError(f"bash: `{c}' {_UNSUPPORTED}")
        else:
            current.append(c)
        i += 1
    if quote:
        raise ShellSyntaxError(
            f"bash: unexpected EOF while looking for matching `{quote}'\nbash: syntax error: unexpected end of file"
        )
    if "".join(current).strip():
        close(";")
    elif before in ("&&", "||"):
        raise ShellSyntaxError("bash: syntax error: unexpected end of file")
    return out


def _variable_at(text: str, start: int) -> tuple[str | None, int]:
    """The variable name a `$` at start - 1 refers to, and where it ends."""
    if text.startswith("{", start):
        end = text.find("}", start)
        if end > start + 1:
            return text[start + 1 : end], end + 1
        return None, start
    if start < len(text) and text[start] in "?$#0":
        return text[start], start + 1
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_") and text[end].isascii():
        end += 1
    if end == start or text[start].isdigit():
        return None, start
    return text[start:end], end


def expand(text: str, lookup: Callable[[str], str], home: str) -> list[str]:
    """The words of one command: `$NAME`, `${NAME}`, `$?` and a leading `~` expanded outside
    single quotes, then split by shlex."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        c = text[i]
        if quote == "'":
            quote = "" if c == "'" else quote
            out.append(c)
        elif c == "\\":
            out.append(text[i : i + 2])
            i += 1
        elif c == "$":
            name, end = _variable_at(text, i + 1)
            if name is None:
                out.append(c)
            else:
                value = lookup(name)
                if quote == '"':
                    out.append("".join("\\" + ch if ch in '\\"$`' else ch for ch in value))
                else:  # an unquoted expansion is split into words, as bash does
                    out.append(" ".join(shlex.quote(part) for part in value.split()))
                i = end
                continue
        elif c == "~" and not quote and (i == 0 or text[i - 1].isspace()) and text[i + 1 : i + 2] in ("", "/", " "):
            out.append(shlex.quote(home))
        else:
            if c in "'\"":
                quote = "" if quote == c else (quote or c)
            out.append(c)
        i += 1
    try:
        return shlex.split("".join(out))
    except ValueError as exc:
        raise ShellSyntaxError(f"bash: syntax error: {exc}") from None
