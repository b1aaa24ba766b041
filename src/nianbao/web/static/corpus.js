// A report of the corpus: fetched from /api/v1/corpus/reports/{id} and drawn like an upload
// (the source file is not on this server, so a finding shows where it is, not the text).

import { el, getJSON, layoutOf } from "./api.js";
import { drawReport } from "./report.js";

const card = document.getElementById("corpus-report");
const id = card.dataset.reportId;

async function show() {
  const body = card.querySelector(".card-body");
  try {
    const result = await getJSON(`/api/v1/corpus/reports/${encodeURIComponent(id)}`);
    const s = result.summary;
    document.getElementById("corpus-title").textContent = `${s.agency || "（未识别）"} ${s.year || ""}`;
    if (result.previous_id) {
      document.getElementById("corpus-links").append(el("a", { href: `/corpus/reports/${result.previous_id}` }, "上一年度报告"));
    }
    const layout = await layoutOf(result.report.template || "2021");
    body.replaceChildren(drawReport({ ...result, name: result.report.source.path, upload: null }, layout));
    // said once drawn: the counts, not the tables
    document.getElementById("announce").textContent = s.errors || s.warnings ? `发现 ${s.errors} 个错误、${s.warnings} 个警告` : "未发现问题";
  } catch (e) {
    body.replaceChildren(el("p", { class: "error" }, e.message, " ", el("code", {}, e.code)));
  }
}

show();
