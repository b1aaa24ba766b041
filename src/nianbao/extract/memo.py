"""What is worked out from a template (its equations, patterns, cell keys, markers), built once per
template and looked up by the object's identity: a frozen template's own hash walks all of it, which
costs more than most of what is cached."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
R = TypeVar("R")

# objects remembered per function: templates, their tables and equation lists are a few dozen at most
LIMIT = 256


def per_object(fn: Callable[[K], R]) -> Callable[[K], R]:
    """``fn`` remembered for each object passed to it. The object is held while remembered, so that
    its identity stays its own; ``fn`` must depend on nothing else, and its result must not be changed."""
    memo: dict[int, tuple[K, R]] = {}

    @functools.wraps(fn)
    def remembered(obj: K) -> R:
        hit = memo.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = fn(obj)
        if len(memo) >= LIMIT:
            memo.clear()
        memo[id(obj)] = (obj, value)
        return value

    return remembered
