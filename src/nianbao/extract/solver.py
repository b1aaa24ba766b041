"""A table's open cells decided jointly by all its equations.

Each open segment (a row, or rows run together) comes with its candidate readings, as value
tuples. The solver enumerates every combination of one reading per segment that satisfies every
equation that the fixed and open cells take part in, pruning as soon as an equation is closed or
its non-negative parts already exceed its total. What must be unique is each cell's value, not the
path: a cell on which all solutions agree is certain, the others stay open with the solutions as
candidates. The search is exhaustive within ``SOLVER_STEPS``; past that nothing is decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nianbao.extract.settings import MAX_SOLUTIONS, SOLVER_STEPS
from nianbao.template import Equation

Value = int | float
Candidate = tuple[Value, ...]


@dataclass
class OpenSegment:
    keys: list[str]
    candidates: list[Candidate]  # distinct value tuples, one value per key


@dataclass
class Outcome:
    """What the search found: per open cell the values it takes in some solution, and per segment
    the candidates that appear in one. ``complete`` is False when the step bound cut the search."""

    values: dict[str, set[Value]] = field(default_factory=dict)
    used: list[set[int]] = field(default_factory=list)
    solutions: int = 0
    complete: bool = True
    covered: set[str] = field(default_factory=set)  # open cells that take part in an equation used


@dataclass
class _Eq:
    lhs_fixed: Value
    rhs_fixed: Value
    lhs_open: list[str]
    rhs_open: list[str]


def solve(segments: list[OpenSegment], fixed: dict[str, Value], equations: Sequence[Equation]) -> Outcome:
    open_keys = {k for s in segments for k in s.keys}
    known = open_keys | fixed.keys()
    eqs: list[_Eq] = []
    for e in equations:
        keys = (*e.lhs, *e.rhs)
        if not all(k in known for k in keys) or not any(k in open_keys for k in keys):
            continue
        eqs.append(
            _Eq(
                sum(fixed[k] for k in e.lhs if k in fixed),
                sum(fixed[k] for k in e.rhs if k in fixed),
                [k for k in e.lhs if k in open_keys],
                [k for k in e.rhs if k in open_keys],
            )
        )
    out = Outcome(values={k: set() for k in open_keys}, used=[set() for _ in segments])
    out.covered = {k for e in eqs for k in (*e.lhs_open, *e.rhs_open)}
    if not segments:
        return out
    nonneg = all(v >= 0 for s in segments for c in s.candidates for v in c)
    # smallest domains first, so that equations close early
    order = sorted(range(len(segments)), key=lambda i: len(segments[i].candidates))
    position = {k: rank for rank, i in enumerate(order) for k in segments[i].keys}
    # the equations to test once the segment of a rank is assigned: every one it takes part in
    touches: list[list[_Eq]] = [[] for _ in order]
    for eq in eqs:
        for r in {position[k] for k in (*eq.lhs_open, *eq.rhs_open)}:
            touches[r].append(eq)
    assigned: dict[str, Value] = {}
    chosen: list[int] = [0] * len(order)
    steps = 0

    def side(keys: list[str]) -> tuple[Value, bool]:
        total: Value = 0
        done = True
        for k in keys:
            if k in assigned:
                total += assigned[k]
            else:
                done = False
        return total, done

    def consistent(rank: int) -> bool:
        for e in touches[rank]:
            lhs, lhs_done = side(e.lhs_open)
            rhs, rhs_done = side(e.rhs_open)
            lhs += e.lhs_fixed
            rhs += e.rhs_fixed
            if lhs_done and rhs_done:
                if abs(lhs - rhs) > 1e-6:
                    return False
            elif nonneg and ((lhs_done and rhs > lhs + 1e-6) or (rhs_done and lhs > rhs + 1e-6)):
                return False
        return True

    def visit(rank: int) -> bool:
        """False when the search must stop (a bound reached)."""
        nonlocal steps
        if rank == len(order):
            out.solutions += 1
            for r, i in enumerate(order):
                out.used[i].add(chosen[r])
                for k, v in zip(segments[i].keys, segments[i].candidates[chosen[r]], strict=True):
                    out.values[k].add(v)
            if out.solutions >= MAX_SOLUTIONS:
                out.complete = False
                return False
            return True
        seg = segments[order[rank]]
        for ci, cand in enumerate(seg.candidates):
            steps += 1
            if steps > SOLVER_STEPS:
                out.complete = False
                return False
            assigned.update(zip(seg.keys, cand, strict=True))
            chosen[rank] = ci
            if consistent(rank) and not visit(rank + 1):
                for k in seg.keys:
                    assigned.pop(k, None)
                return False
            for k in seg.keys:
                assigned.pop(k, None)
        return True

    visit(0)
    return out
