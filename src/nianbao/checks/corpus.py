"""Rules across a corpus: what only many reports together show. They are not run on one report
(``check`` finds nothing); ``nianbao corpus copies`` (``nianbao.corpus.copies``) runs them."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.checks.base import Context, Rule
from nianbao.report import Finding

COPIED = Rule("corpus.copied", "warning", "正文与其他机关的报告高度雷同（内容雷同，疑似照抄）", "corpus")

RULES: tuple[Rule, ...] = (COPIED,)


def check(ctx: Context) -> Iterator[Finding]:
    """One report alone shows no copying: the corpus finds it (``nianbao.corpus.copies``)."""
    return iter(())
