"""Data given as JSON, YAML or TOML (render's input files, the web API's bodies) bounded in size
and nesting before it is loaded.

Why: the loaders recurse, so 50,000 nested brackets are a ``RecursionError`` traceback in
``render`` and an HTTP 500 in the API, and a YAML parser holds every node of a large file. One
linear pass over the text tells the nesting (brackets outside strings, and YAML's indentation)
before any parser sees it.
"""

from __future__ import annotations

from nianbao.errors import E_TOO_LARGE, NianbaoError
from nianbao.readers.limits import Limits

_OPEN = frozenset(b"[{")
_CLOSE = frozenset(b"]}")


def nesting(data: bytes) -> int:
    """The deepest nesting of the text: brackets outside quoted strings, plus YAML block levels
    (indentation and ``- `` markers). An over-estimate for odd texts, never an under-estimate of
    what the loaders recurse on."""
    return _brackets(data) + _indents(data)


def _brackets(data: bytes) -> int:
    depth = deepest = 0
    quote = 0
    escaped = False
    for byte in data:
        if quote:
            if escaped:
                escaped = False
            elif byte == 0x5C and quote == 0x22:  # backslash inside "…"
                escaped = True
            elif byte == quote or byte == 0x0A:
                quote = 0
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSE:
            depth = max(0, depth - 1)
    return deepest


def _indents(data: bytes) -> int:
    stack: list[int] = []
    deepest = 0
    for line in data.split(b"\n"):
        body = line.lstrip(b" ")
        if not body.strip() or body.startswith(b"#"):
            continue
        indent = len(line) - len(body)
        dashes = 0
        while body.startswith(b"- ") or body == b"-":
            dashes += 1
            body = body[2:].lstrip(b" ")
        while stack and stack[-1] >= indent:
            stack.pop()
        stack.append(indent)
        deepest = max(deepest, len(stack) + dashes)
    return deepest


def check_data(data: bytes, limits: Limits | None = None, path: str | None = None) -> None:
    """E_TOO_LARGE when the data is over ``Limits.max_data_bytes`` or nested deeper than
    ``Limits.max_depth``; call before ``json.loads`` / ``yaml.safe_load`` / ``tomllib.loads``."""
    limits = limits or Limits.from_env()
    if len(data) > limits.max_data_bytes:
        size, cap = len(data) / 1e6, limits.max_data_bytes / 1e6
        raise NianbaoError(E_TOO_LARGE, f"数据过大（{size:.1f} MB，上限 {cap:.0f} MB）", path)
    depth = nesting(data)
    if depth > limits.max_depth:
        raise NianbaoError(E_TOO_LARGE, f"数据嵌套过深（{depth} 层，上限 {limits.max_depth} 层）", path)
