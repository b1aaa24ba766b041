// One checked report: its summary, the findings, and the three tables in the official layout
// with the cells a finding concerns highlighted and the finding's message beside the table.
// A click on a finding shows the source lines it comes from (/api/v1/uploads/{id}/source).
// Each finding says where to look as the command does (its `where`): a page and line of a
// report, or the line of a YAML data file, or the sheet and cell of a workbook
// (「表三!D29 “（七）总计”行 “自然人”列」).

import { SEVERITY_ZH, el, formatValue, getJSON } from "./api.js";
import { drawTable, layoutTables } from "./tables.js";

const STATUS_MARK = { blank: "", missing: "缺", unreadable: "?" };
const STATUS_ZH = { ok: "已读出", blank: "空白", missing: "缺失", unreadable: "无法识别" };
const LOC_KEYS = ["line", "page", "table", "row", "sheet", "cell"];

function locOf(finding, report) {
  const pick = (loc) => Object.fromEntries(LOC_KEYS.filter((k) => loc && loc[k] !== undefined && loc[k] !== null).map((k) => [k, loc[k]]));
  const own = pick(finding.loc);
  if (Object.keys(own).length) return own;
  for (const key of finding.keys || []) {
    const loc = pick(report.provenance?.[key]?.loc);
    if (Object.keys(loc).length) return loc;
  }
  return null;
}

function describeLoc(loc) {
  if (loc.sheet !== undefined && loc.cell !== undefined) return `工作表“${loc.sheet}”单元格${loc.cell}`;
  const parts = [];
  if (loc.page !== undefined) parts.push(`第${loc.page}页`);
  if (loc.line !== undefined) parts.push(`第${loc.line}行`);
  if (loc.table !== undefined && loc.row !== undefined) parts.push(`表格${loc.table + 1}第${loc.row + 1}行`);
  return parts.join("，");
}

// A text node with each occurrence of the marks (raw cell texts) wrapped in <mark>.
function marked(text, marks) {
  const span = el("span", { class: "tx" });
  const wanted = marks.filter((m) => m && m.length >= 2 && text.includes(m));
  if (!wanted.length) {
    span.textContent = text;
    return span;
  }
  let rest = text;
  while (rest.length) {
    let best = -1;
    let which = "";
    for (const m of wanted) {
      const i = rest.indexOf(m);
      if (i >= 0 && (best < 0 || i < best)) [best, which] = [i, m];
    }
    if (best < 0) {
      span.append(rest);
      break;
    }
    span.append(rest.slice(0, best), el("mark", {}, which));
    rest = rest.slice(best + which.length);
  }
  return span;
}

async function showSource(box, upload, finding, report) {
  box.replaceChildren(el("p", { class: "muted" }, "正在读取原文…"));
  const loc = locOf(finding, report);
  if (!upload) {
    box.replaceChildren(el("p", { class: "muted" }, loc ? `原文位置：${describeLoc(loc)}（原文件不在本机）` : "该问题没有对应的原文位置"));
    return;
  }
  if (!loc) {
    box.replaceChildren(el("p", { class: "muted" }, "该问题没有对应的原文位置"));
    return;
  }
  const query = new URLSearchParams(Object.entries(loc).map(([k, v]) => [k, String(v)]));
  try {
    const part = await getJSON(`/api/v1/uploads/${encodeURIComponent(upload)}/source?${query}`);
    const marks = (finding.keys || []).map((k) => report.provenance?.[k]?.raw).filter(Boolean);
    const list = el("ol", { class: "lines" });
    for (const line of part.lines) {
      const where = line.line ?? (line.page !== null ? `p${line.page}` : "");
      list.append(
        el("li", { class: line.focus ? "focus" : null }, el("span", { class: "ln" }, String(where)), line.focus ? marked(line.text, marks) : el("span", { class: "tx" }, line.text)),
      );
    }
    box.replaceChildren(
      el("p", { class: "source-head" }, `原文 · ${part.name} · ${describeLoc(loc)}`),
      part.lines.length ? list : el("p", { class: "muted" }, "原文中找不到该位置"),
    );
    box.querySelector("mark, li.focus")?.scrollIntoView({ block: "nearest" });
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, `${e.message}（${e.code}）`));
  }
}

function findingItem(finding, index, report, upload) {
  const box = el("div", { class: "source", hidden: true });
  const item = el(
    "li",
    { class: `finding sev-${finding.severity}`, id: null, dataset: { index: String(index), rule: finding.rule } },
    el(
      "button",
      { type: "button", class: "finding-head", "aria-expanded": "false", title: "点击查看原文" },
      el("span", { class: "num" }, String(index)),
      el("span", { class: `badge sev-${finding.severity}` }, SEVERITY_ZH[finding.severity] || finding.severity),
      el("span", { class: "msg" }, finding.message),
      finding.where ? el("span", { class: "where" }, finding.where) : null,
      el("code", { class: "rule" }, finding.rule),
    ),
    box,
  );
  const head = item.querySelector("button");
  head.addEventListener("click", () => {
    const open = box.hidden;
    box.hidden = !open;
    head.setAttribute("aria-expanded", String(open));
    if (open) showSource(box, upload, finding, report);
  });
  return item;
}

function summaryLine(result) {
  const s = result.summary;
  const fact = (label, value, cls) => el("span", { class: `fact ${cls || ""}` }, el("span", { class: "k" }, label), el("span", { class: "v" }, value));
  return el(
    "div",
    { class: "summary" },
    fact("机关", s.agency || "（未识别）"),
    fact("年度", s.year ? String(s.year) : "（未识别）"),
    fact("格式版本", s.template || "—"),
    fact("文件格式", s.format),
    fact("错误", String(s.errors), s.errors ? "bad" : "good"),
    fact("警告", String(s.warnings), s.warnings ? "warn" : "good"),
    fact("提示", String(s.infos)),
  );
}

// The person format of /form from a report (cells not read are left out).
export function formData(report) {
  const values = {};
  for (const [key, value] of Object.entries(report.values || {})) if (value !== null) values[key] = value;
  const sections = {};
  for (const s of report.sections || []) sections[s.no] = s.text;
  return { agency: report.agency || "", year: report.year, template: report.template || "2021", sections, values };
}

export function drawReport(result, layout) {
  const { report, findings } = result;
  const upload = result.upload || null;
  const byKey = new Map();
  findings.forEach((f, i) => {
    for (const key of f.keys || []) {
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push([i + 1, f]);
    }
  });
  const items = findings.map((f, i) => findingItem(f, i + 1, report, upload));
  const placed = new Set();
  const root = el("div", { class: "report-view" });

  const general = el("ul", { class: "findings general" });
  const tables = el("div", { class: "tables" });
  for (const { section, table } of layoutTables(layout)) {
    const aside = el("ul", { class: "findings beside" });
    findings.forEach((f, i) => {
      if (!placed.has(i) && (f.keys || []).some((k) => k.startsWith(`${table.key}.`))) {
        placed.add(i);
        aside.append(items[i]);
      }
    });
    const drawn = drawTable(table, (td, key) => {
      const prov = report.provenance?.[key];
      const status = prov ? prov.status : "missing";
      td.classList.add(`st-${status}`);
      td.append(el("span", { class: "val" }, formatValue(report.values?.[key]) + (STATUS_MARK[status] || "")));
      const tip = [`${layout.cells[key] || key}：${STATUS_ZH[status] || status}`];
      if (prov?.raw && String(prov.raw) !== formatValue(report.values?.[key])) tip.push(`原文“${prov.raw}”`);
      const concerns = byKey.get(key);
      if (concerns) {
        const worst = concerns.some(([, f]) => f.severity === "error") ? "error" : concerns.some(([, f]) => f.severity === "warning") ? "warning" : "info";
        td.classList.add("flag", `flag-${worst}`);
        td.append(el("sup", { class: "marks" }, concerns.map(([n]) => n).join(",")));
        for (const [n, f] of concerns) tip.push(`${n}. ${f.message}`);
        const open = () => {
          const item = items[concerns[0][0] - 1];
          item.scrollIntoView({ block: "nearest" });
          item.querySelector("button").click();
        };
        // reachable by keyboard: Tab to a flagged cell, Enter or Space opens its finding
        td.tabIndex = 0;
        td.addEventListener("click", open);
        td.addEventListener("keydown", (e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            open();
          }
        });
      }
      td.title = tip.join("\n");
    });
    tables.append(
      el(
        "section",
        { class: "table-block" },
        el("h3", {}, section.heading),
        el(
          "div",
          { class: "table-row" },
          el("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": section.heading }, drawn),
          aside,
        ),
      ),
    );
    if (!aside.children.length) aside.append(el("li", { class: "none" }, "本表未发现问题"));
  }
  findings.forEach((_, i) => placed.has(i) || general.append(items[i]));
  root.append(summaryLine(result));
  if (general.children.length) root.append(el("h3", {}, "报告整体"), general);
  else if (!findings.length) root.append(el("p", { class: "ok" }, "未发现问题。"));
  root.append(tables, prose(report, layout));
  return root;
}

// The sections' text as the report prints it, folded: a reviewer opens what they need.
function prose(report, layout) {
  const box = el("section", { class: "prose" }, el("h3", {}, "正文"));
  const headings = new Map(layout.sections.map((s) => [s.no, s.heading]));
  for (const section of report.sections || []) {
    box.append(
      el(
        "details",
        { dataset: { section: String(section.no) } },
        el("summary", {}, headings.get(section.no) || section.title),
        el("div", { class: "text" }, section.text || "（空）"),
      ),
    );
  }
  if (!(report.sections || []).length) box.append(el("p", { class: "muted" }, "未识别出章节"));
  return box;
}
