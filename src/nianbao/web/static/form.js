// The fill-in form: the sections' prose and the tables in the official layout with an input
// in each value cell. Every change is checked (/api/v1/check/data?draft=true) a moment after
// typing stops: the findings of the checks, and what the download would still refuse
// (`required`, the same list /api/v1/render refuses with), each naming its cell by the
// template's labels; a cell typed wrong is marked without hiding the other findings. The draft
// is saved in this browser (localStorage) as it is typed and restored on the next visit; leaving
// with changes not yet downloaded asks first. Enter and the arrow keys move between cells.

import { ApiError, SEVERITY_ZH, downloadName, el, layoutOf, postJSON, saveBlob } from "./api.js";
import { drawTable } from "./tables.js";

const form = document.getElementById("report-form");
const sectionsBox = document.getElementById("form-sections");
const findingsBox = document.getElementById("form-findings");
const statusBox = document.getElementById("form-status");
const savedBox = document.getElementById("form-saved");
const DELAY_MS = 300;
const SAVE_DELAY_MS = 400;
const DRAFT_KEY = "nianbao.form.draft";
const HANDOFF_KEY = "nianbao.form"; // a report sent here by the upload page ("在表单中修改")
const KEY_IN_MESSAGE = /（([a-z_0-9]+\.[a-z_0-9]+\.[a-z_0-9]+)）/g;
const FLAGS = ["flag", "flag-error", "flag-warning", "flag-info"];
let layout = null;
let timer = null;
let saveTimer = null;
let inflight = null;
let dirty = false; // changed since the last download: leaving asks first

function inputs() {
  return [...sectionsBox.querySelectorAll("input[data-key]")];
}

function collect() {
  const data = { agency: form.agency.value.trim(), template: form.template.value, sections: {}, values: {} };
  const year = form.year.value.trim();
  if (year) data.year = /^\d+$/.test(year) ? Number(year) : year;
  for (const area of sectionsBox.querySelectorAll("textarea[data-section]")) {
    if (area.value.trim()) data.sections[area.dataset.section] = area.value;
  }
  for (const input of inputs()) {
    const raw = input.value.trim();
    if (raw) data.values[input.dataset.key] = raw;
  }
  return data;
}

function setStatus(text, kind) {
  statusBox.className = `status ${kind || ""}`;
  statusBox.textContent = text;
}

// ---- the draft, kept in this browser ------------------------------------------------------

function timeOf(stamp) {
  return new Date(stamp).toLocaleTimeString("zh-CN", { hour12: false });
}

function saveDraft() {
  clearTimeout(saveTimer);
  saveTimer = null;
  const stamp = Date.now();
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify({ saved: stamp, data: collect() }));
    savedBox.textContent = `草稿已自动保存（${timeOf(stamp)}，仅保存在本浏览器）`;
  } catch {
    savedBox.textContent = "草稿未能保存（浏览器不允许本地存储）";
  }
}

function scheduleSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveDraft, SAVE_DELAY_MS);
}

function storedDraft() {
  try {
    const stored = JSON.parse(localStorage.getItem(DRAFT_KEY) || "null");
    return stored && typeof stored.data === "object" ? stored : null;
  } catch {
    return null;
  }
}

function fill(keep) {
  form.agency.value = keep.agency || "";
  form.year.value = keep.year ?? "";
  if (keep.template && [...form.template.options].some((o) => o.value === keep.template)) form.template.value = keep.template;
}

// ---- the findings -------------------------------------------------------------------------

function inputOf(key) {
  return sectionsBox.querySelector(`input[data-key="${CSS.escape(key || "")}"]`);
}

// The element a finding or a requirement is about: a cell's input, a section's text, a field.
function targetOf(field, key) {
  if (key) return inputOf(key);
  if (field?.startsWith("sections.")) return sectionsBox.querySelector(`textarea[data-section="${CSS.escape(field.slice(9))}"]`);
  if (field === "agency" || field === "year") return form[field];
  return null;
}

function flagCell(key, severity, message) {
  const input = inputOf(key);
  if (!input) return;
  const cell = input.closest("td");
  if (!cell.classList.contains("flag-error")) {
    cell.classList.remove("flag-warning", "flag-info");
    cell.classList.add("flag", `flag-${severity}`);
  }
  if (severity === "error") input.setAttribute("aria-invalid", "true");
  input.title = `${input.title}\n${message}`;
}

function clearFlags() {
  for (const input of inputs()) {
    input.closest("td").classList.remove(...FLAGS);
    input.removeAttribute("aria-invalid");
    input.title = layout.cells[input.dataset.key] || "";
  }
  for (const node of form.querySelectorAll("[data-field][aria-invalid], textarea[aria-invalid]")) node.removeAttribute("aria-invalid");
}

// Where a finding is, by the cells' labels (表三“（七）总计”行“自然人”列).
function placeOf(keys) {
  const named = keys.map((k) => layout.cells[k]).filter(Boolean);
  if (!named.length) return null;
  return named.length > 3 ? `${named.slice(0, 3).join("；")} 等 ${named.length} 处` : named.join("；");
}

function item(index, severity, badge, message, place, rule, target) {
  const head = el(
    "button",
    { type: "button", class: "finding-head" },
    el("span", { class: "num" }, String(index)),
    el("span", { class: `badge sev-${severity}` }, badge),
    el("span", { class: "msg" }, message),
    place ? el("span", { class: "where" }, place) : null,
    rule ? el("code", { class: "rule" }, rule) : null,
  );
  head.addEventListener("click", () => target?.focus());
  return el("li", { class: `finding sev-${severity}`, dataset: { rule: rule || "required" } }, head);
}

function showFindings(findings, required) {
  clearFlags();
  findingsBox.replaceChildren();
  let n = 0;
  for (const r of required) {
    n += 1;
    const target = targetOf(r.field, r.key);
    if (r.key) flagCell(r.key, "error", `${n}. ${r.message}`);
    else target?.setAttribute("aria-invalid", "true");
    findingsBox.append(item(n, "error", "下载前须改正", r.message, null, null, target));
  }
  for (const f of findings) {
    n += 1;
    const keys = f.keys || [];
    for (const key of keys) flagCell(key, f.severity, `${n}. ${f.message}`);
    const place = f.where || placeOf(keys);
    findingsBox.append(item(n, f.severity, SEVERITY_ZH[f.severity] || f.severity, f.message, place, f.rule, inputOf(keys[0])));
  }
  if (!n) findingsBox.append(el("li", { class: "none" }, "未发现问题，可以下载"));
}

// The sentence the live region says: counts, never the list.
function countsOf(summary, required) {
  const parts = [`${summary.errors} 个错误`, `${summary.warnings} 个警告`];
  if (summary.infos) parts.push(`${summary.infos} 个提示`);
  let text = summary.errors || summary.warnings || summary.infos ? `发现 ${parts.join("、")}` : "未发现错误或警告";
  text += required.length ? `；下载前还须补全或改正 ${required.length} 项` : "；可以下载";
  return text;
}

// Check the form as it is now; the result (null when it could not be checked or was overtaken).
async function check() {
  clearTimeout(timer);
  inflight?.abort();
  inflight = new AbortController();
  statusBox.classList.add("busy");
  try {
    const response = await postJSON("/api/v1/check/data?draft=true", collect(), inflight.signal);
    const result = await response.json();
    const required = result.required || [];
    setStatus(countsOf(result.summary, required), result.summary.errors || required.length ? "bad" : "good");
    showFindings(result.findings, required);
    return result;
  } catch (e) {
    if (e.name === "AbortError") return null;
    // the findings shown stay; the reason the data could not be checked is said, its cells marked
    setStatus(`无法检查：${e.message}（${e.code}）`, "bad");
    for (const m of (e.message || "").matchAll(KEY_IN_MESSAGE)) flagCell(m[1], "error", e.message);
    return null;
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(check, DELAY_MS);
}

async function download(format, button) {
  button.disabled = true;
  try {
    // what the download needs is what the live check lists (the server refuses the same list)
    const checked = await check();
    const required = checked?.required || [];
    if (required.length) {
      const more = required.length > 1 ? `等 ${required.length} 项` : "";
      setStatus(`无法下载，请先补全或改正：${required[0].message}${more}`, "bad");
      findingsBox.querySelector("li.finding button")?.focus();
      return;
    }
    setStatus(`正在生成 ${format.toUpperCase()}…`, "busy");
    const response = await postJSON(`/api/v1/render?format=${format}`, collect());
    const blob = await response.blob();
    saveBlob(blob, downloadName(response, `report.${format}`));
    dirty = false;
    setStatus(`已生成 ${format.toUpperCase()}`, "good");
  } catch (e) {
    setStatus(e instanceof ApiError ? `无法生成：${e.message}（${e.code}）` : String(e), "bad");
  } finally {
    button.disabled = false;
  }
}

// ---- moving between cells -----------------------------------------------------------------

function cellOf(input) {
  const td = input.closest("td");
  const col = Number(td.dataset.col);
  return { input, table: td.closest("table"), row: Number(td.dataset.row), col, end: col + Number(td.dataset.cols || 1) };
}

// The cell's neighbour: a row up or down in the same column (the nearest column where merged),
// or the next or previous cell of the row; past the table's edge, the next or previous cell.
function neighbour(input, direction) {
  const all = inputs();
  const here = cellOf(input);
  const same = all.filter((i) => i.closest("table") === here.table).map(cellOf);
  let pick = null;
  if (direction === "up" || direction === "down") {
    const rows = same.filter((c) => (direction === "down" ? c.row > here.row : c.row < here.row));
    if (rows.length) {
      const row = direction === "down" ? Math.min(...rows.map((c) => c.row)) : Math.max(...rows.map((c) => c.row));
      const inRow = rows.filter((c) => c.row === row);
      const middle = (here.col + here.end) / 2;
      inRow.sort((a, b) => Math.abs((a.col + a.end) / 2 - middle) - Math.abs((b.col + b.end) / 2 - middle));
      pick = inRow[0].input;
    }
  } else {
    const row = same.filter((c) => c.row === here.row && (direction === "right" ? c.col > here.col : c.col < here.col));
    row.sort((a, b) => (direction === "right" ? a.col - b.col : b.col - a.col));
    pick = row[0]?.input || null;
  }
  if (pick) return pick;
  const at = all.indexOf(input);
  return direction === "down" || direction === "right" ? all[at + 1] || null : all[at - 1] || null;
}

const KEYS = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right" };

function onKey(event) {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.key || event.altKey || event.ctrlKey || event.metaKey) return;
  let direction = KEYS[event.key];
  if (event.key === "Enter") direction = event.shiftKey ? "up" : "down";
  if (!direction) return;
  // left and right move the caret inside a value first, and leave the cell at its edge
  const caret = input.selectionStart;
  if (direction === "left" && caret !== null && (caret > 0 || input.selectionEnd !== caret)) return;
  if (direction === "right" && caret !== null && caret < input.value.length) return;
  const next = neighbour(input, direction);
  event.preventDefault();
  if (next) {
    next.focus();
    next.select();
  }
}

// ---- building the form --------------------------------------------------------------------

async function build(version, keep) {
  layout = await layoutOf(version);
  const required = new Set(layout.required_sections);
  sectionsBox.replaceChildren();
  for (const section of layout.sections) {
    const box = el("section", { class: "form-section" }, el("h2", {}, section.heading));
    const text = keep.sections?.[section.no] ?? keep.sections?.[String(section.no)] ?? "";
    box.append(
      el("textarea", {
        dataset: { section: String(section.no) },
        rows: section.tables.length ? 2 : 4,
        placeholder: section.tables.length ? "（可选）表格前的说明文字" : "请填写本部分正文（下载前必须填写）",
        required: required.has(section.no),
        "aria-label": section.heading,
      }),
    );
    box.lastChild.value = text;
    for (const table of section.tables) {
      const drawn = drawTable(table, (td, key) => {
        const value = keep.values?.[key];
        const input = el("input", {
          type: "text",
          inputmode: layout.kinds[key] === "decimal" ? "decimal" : "numeric",
          dataset: { key },
          "aria-label": layout.cells[key],
          title: layout.cells[key],
          size: 4,
        });
        if (value !== undefined && value !== null) input.value = String(value);
        td.append(input);
      });
      box.append(el("div", { class: "table-scroll", tabindex: "-1", role: "region", "aria-label": section.heading }, drawn));
    }
    sectionsBox.append(box);
  }
  schedule();
}

function start() {
  let keep = {};
  const handed = sessionStorage.getItem(HANDOFF_KEY);
  const draft = storedDraft();
  if (handed) {
    sessionStorage.removeItem(HANDOFF_KEY);
    keep = JSON.parse(handed);
    dirty = true;
  } else if (draft) {
    keep = draft.data;
    savedBox.textContent = `已恢复保存于 ${new Date(draft.saved).toLocaleString("zh-CN", { hour12: false })} 的草稿`;
  }
  fill(keep);
  form.addEventListener("input", () => {
    dirty = true;
    schedule();
    scheduleSave();
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  sectionsBox.addEventListener("keydown", onKey);
  form.template.addEventListener("change", () => build(form.template.value, collect()).then(saveDraft));
  for (const button of form.querySelectorAll("button[data-format]")) {
    button.addEventListener("click", () => download(button.dataset.format, button));
  }
  document.getElementById("form-clear").addEventListener("click", () => {
    if (!window.confirm("清空这份草稿，重新填写？")) return;
    localStorage.removeItem(DRAFT_KEY);
    dirty = false;
    fill({});
    build(form.template.value, {}).then(() => {
      savedBox.textContent = "草稿已清空";
    });
  });
  window.addEventListener("beforeunload", (event) => {
    if (saveTimer) saveDraft();
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = ""; // the browser asks whether to leave: changes not yet downloaded
  });
  build(form.template.value, keep).then(() => {
    if (handed) saveDraft();
  });
}

start();
