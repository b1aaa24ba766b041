"""The statistics as charts: a PNG (matplotlib), or one self-contained HTML page with the charts
as inline SVG and the tables beside them (nothing loaded from elsewhere)."""

from __future__ import annotations

import html
import io
from pathlib import Path

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nianbao.corpus.stats import BY_ZH, SECTIONS, UNKNOWN, Group, Stats, short_label
from nianbao.errors import E_DATA, NianbaoError

MAX_GROUPS = 20  # groups drawn (those with the most applications); the tables keep all
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")


def _font() -> list[str]:
    """A font with Chinese glyphs first (from the ones installed), DejaVu for the rest."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return [*[n for n in _CJK_FONTS if n in names][:1], "DejaVu Sans"]


def _groups(stats: Stats) -> list[Group]:
    """The groups drawn: not 「（不详）」 (no category; the tables keep it), at most MAX_GROUPS."""
    groups = [g for g in stats.groups if g.name != UNKNOWN]
    if len(groups) > MAX_GROUPS:
        groups = sorted(groups, key=lambda g: -g.get(stats.layout.received))[:MAX_GROUPS]
        groups = [g for g in stats.groups if g in groups]
    return groups


def _percent(share: float | None) -> float:
    """A share in percent; no share (nothing handled) is a gap in the line, not a zero."""
    return float("nan") if share is None else 100 * share


def figure(stats: Stats) -> Figure:
    """Four panels: applications received and the share granted; how applications ended (shares);
    appeals by result; reports with findings by rule."""
    lay = stats.layout
    groups = _groups(stats)
    names = [g.name for g in groups]
    x = list(range(len(groups)))
    fig = Figure(figsize=(13, 9), layout="constrained")
    (ax1, ax2), (ax3, ax4) = fig.subplots(2, 2)
    by = BY_ZH.get(stats.by or "", "")

    ax1.bar(x, [g.get(lay.received) for g in groups], color="#4472c4", label="本年新收申请")
    ax1.set_title(f"收到的政府信息公开申请{('（按' + by + '）') if by else ''}")
    ax1.set_xticks(x, names, rotation=30 if len(groups) > 4 else 0, ha="right" if len(groups) > 4 else "center")
    ax1.set_ylabel("件")
    share = ax1.twinx()
    share.plot(x, [_percent(stats.granted_share(g)) for g in groups], color="#c0504d", marker="o", label="予以公开占比")
    share.set_ylim(0, 100)
    share.set_ylabel("予以公开占比（%）")
    ax1.legend(loc="upper left")
    share.legend(loc="upper right")

    bottoms = [0.0] * len(groups)
    for label in lay.outcome_labels:
        part = []
        for g in groups:
            total = g.get(lay.results_total)
            part.append(100 * stats.outcomes(g)[label] / total if total else 0.0)
        ax2.bar(x, part, bottom=bottoms, label=short_label(label))
        bottoms = [b + p for b, p in zip(bottoms, part, strict=True)]
    ax2.set_title("办理结果构成（%）")
    ax2.set_xticks(x, names, rotation=30 if len(groups) > 4 else 0, ha="right" if len(groups) > 4 else "center")
    ax2.set_ylim(0, 100)
    ax2.legend(fontsize="small", ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))

    bottoms = [0.0] * len(groups)
    for col, label in lay.appeal_result_columns():
        part = [sum(stats.appeal(g, row, col) for row, _ in lay.appeal_groups) for g in groups]
        ax3.bar(x, part, bottom=bottoms, label=label)
        bottoms = [b + p for b, p in zip(bottoms, part, strict=True)]
    ax3.set_title("行政复议、行政诉讼（按结果，件）")
    ax3.set_xticks(x, names, rotation=30 if len(groups) > 4 else 0, ha="right" if len(groups) > 4 else "center")
    ax3.legend(fontsize="small")

    rules = stats.rules[:15]
    y = list(range(len(rules)))
    colours = {"error": "#c0504d", "warning": "#f0a030", "info": "#9bbb59"}
    ax4.barh(y, [r.reports for r in rules], color=[colours.get(r.severity, "#888888") for r in rules])
    ax4.set_yticks(y, [r.rule for r in rules])
    ax4.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax4.invert_yaxis()
    ax4.set_title("检查发现（按规则，报告数；红：错误，橙：警告，绿：提示）")
    if not rules:
        ax4.text(0.5, 0.5, "无检查发现", ha="center", va="center", transform=ax4.transAxes)
    return fig


def write_chart(stats: Stats, out: str | Path) -> Path:
    """``out.png``: the figure; ``out.html``: the figure as inline SVG with the tables."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".html", ".htm"):
        raise NianbaoError(E_DATA, f"图表文件须为 .png 或 .html：{out}")
    from matplotlib import rc_context

    with rc_context({"font.family": _font(), "axes.unicode_minus": False, "svg.fonttype": "none"}):
        fig = figure(stats)
        if suffix == ".png":
            fig.savefig(out, dpi=110)
            return out
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
    out.write_text(_page(stats, buf.getvalue()), encoding="utf-8")
    return out


def _page(stats: Stats, svg: str) -> str:
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: inline in HTML
    by = BY_ZH.get(stats.by or "", "")
    title = f"政府信息公开工作年度报告汇总统计{('（按' + by + '）') if by else ''}"
    parts = [
        "<!doctype html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif;"
        "margin:2em;color:#222}table{border-collapse:collapse;margin:0 0 2em}"
        "th,td{border:1px solid #bbb;padding:.25em .6em}td{text-align:right}td:first-child{text-align:left}"
        "th{background:#eef}svg{max-width:100%;height:auto}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<figure>{svg}</figure>",
    ]
    for name, make in SECTIONS:
        head, rows = make(stats)
        parts.append(f"<h2>{html.escape(name)}</h2><table><thead><tr>")
        parts += [f"<th>{html.escape(h)}</th>" for h in head]
        parts.append("</tr></thead><tbody>")
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
