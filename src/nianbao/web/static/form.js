// The fill-in form: the sections' prose and the tables in the official layout with an input
// in each value cell. Every change is checked (/api/v1/check/data) a moment after typing
// stops; the buttons download the report rendered by /api/v1/render.

import { ApiError, SEVERITY_ZH, downloadName, el, layoutOf, postJSON, saveBlob } from "./api.js";
import { drawTable } from "./tables.js";

const form = document.getElementById("report-form");
const sectionsBox = document.getElementById("form-sections");
const findingsBox = document.getElementById("form-findings");
const statusBox = document.getElementById("form-status");
const DELAY_MS = 300;
const KEY_IN_MESSAGE = /（([a-z_0-9]+\.[a-z_0-9]+\.[a-z_0-9]+)）/g;
let layout = null;
let timer = null;
let inflight = null;

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

function flag(keys, severity, message) {
  for (const key of keys) {
    const input = sectionsBox.querySelector(`input[data-key="${CSS.escape(key)}"]`);
    if (!input) continue;
    const cell = input.closest("td");
    if (!cell.classList.contains("flag-error")) {
      cell.classList.remove("flag-warning", "flag-info");
      cell.classList.add("flag", `flag-${severity}`);
    }
    input.title = input.title ? `${input.title}\n${message}` : message;
  }
}

function clearFlags() {
  for (const input of inputs()) {
    input.closest("td").classList.remove("flag", "flag-error", "flag-warning", "flag-info");
    input.title = layout.cells[input.dataset.key] || "";
  }
}

function showFindings(findings) {
  clearFlags();
  findingsBox.replaceChildren();
  findings.forEach((f, i) => {
    flag(f.keys || [], f.severity, `${i + 1}. ${f.message}`);
    const item = el(
      "li",
      { class: `finding sev-${f.severity}`, dataset: { rule: f.rule } },
      el(
        "button",
        { type: "button", class: "finding-head" },
        el("span", { class: "num" }, String(i + 1)),
        el("span", { class: `badge sev-${f.severity}` }, SEVERITY_ZH[f.severity] || f.severity),
        el("span", { class: "msg" }, f.message),
        el("code", { class: "rule" }, f.rule),
      ),
    );
    item.querySelector("button").addEventListener("click", () => {
      const key = (f.keys || [])[0];
      sectionsBox.querySelector(`input[data-key="${CSS.escape(key || "")}"]`)?.focus();
    });
    findingsBox.append(item);
  });
  if (!findings.length) findingsBox.append(el("li", { class: "none" }, "未发现问题"));
}

async function check() {
  inflight?.abort();
  inflight = new AbortController();
  setStatus("检查中…", "busy");
  try {
    const response = await postJSON("/api/v1/check/data", collect(), inflight.signal);
    const result = await response.json();
    const s = result.summary;
    setStatus(`错误 ${s.errors} · 警告 ${s.warnings} · 提示 ${s.infos}`, s.errors ? "bad" : "good");
    showFindings(result.findings);
  } catch (e) {
    if (e.name === "AbortError") return;
    clearFlags();
    findingsBox.replaceChildren();
    setStatus(`${e.message}（${e.code}）`, "bad");
    const keys = [...(e.message || "").matchAll(KEY_IN_MESSAGE)].map((m) => m[1]);
    flag(keys, "error", e.message);
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(check, DELAY_MS);
}

async function download(format, button) {
  button.disabled = true;
  setStatus(`正在生成 ${format.toUpperCase()}…`, "busy");
  try {
    const response = await postJSON(`/api/v1/render?format=${format}`, collect());
    const blob = await response.blob();
    saveBlob(blob, downloadName(response, `report.${format}`));
    setStatus(`已生成 ${format.toUpperCase()}`, "good");
  } catch (e) {
    setStatus(e instanceof ApiError ? `${e.message}（${e.code}）` : String(e), "bad");
  } finally {
    button.disabled = false;
  }
}

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
        placeholder: section.tables.length ? "（可选）表格前的说明文字" : "请填写本部分正文",
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
      box.append(el("div", { class: "table-scroll" }, drawn));
    }
    sectionsBox.append(box);
  }
  schedule();
}

function start() {
  let keep = {};
  const stored = sessionStorage.getItem("nianbao.form");
  if (stored) {
    sessionStorage.removeItem("nianbao.form");
    keep = JSON.parse(stored);
    form.agency.value = keep.agency || "";
    form.year.value = keep.year || "";
    if (keep.template && [...form.template.options].some((o) => o.value === keep.template)) form.template.value = keep.template;
  }
  form.addEventListener("input", schedule);
  form.addEventListener("submit", (e) => e.preventDefault());
  form.template.addEventListener("change", () => build(form.template.value, collect()));
  for (const button of form.querySelectorAll("button[data-format]")) {
    button.addEventListener("click", () => download(button.dataset.format, button));
  }
  build(form.template.value, keep);
}

start();
