// One report of a batch: the checked report drawn as the upload page draws it (report.js), each
// finding given the reviewer's controls (confirm; dismiss with a reason; take back), the cells
// corrected by hand marked, and a click on a value cell choosing it in the correction form. The
// controls are plain forms with the CSRF token: the server records, then shows the page again.

import { el, getJSON, layoutOf } from "./api.js";
import { drawReport } from "./report.js";

const root = document.getElementById("review-root");
const { api, base, csrf } = root.dataset;
const box = document.getElementById("report-view");
const DECIDED = { confirmed: "已确认", dismissed: "已排除" };
const ABOUT_THE_CHECK = new Set(["xyear.compared"]);

function hidden(name, value) {
  return el("input", { type: "hidden", name, value });
}

function decisionForm(finding, decision, label, reasonNeeded) {
  const form = el(
    "form",
    { method: "post", action: `${base}/decision`, class: `decide decide-${decision}` },
    hidden("csrf", csrf),
    hidden("finding", finding),
    hidden("decision", decision),
  );
  if (reasonNeeded) {
    form.append(el("input", { name: "reason", type: "text", required: true, maxlength: "500", placeholder: "排除理由（必填）", "aria-label": "排除理由" }));
  }
  form.append(el("button", { type: "submit" }, label));
  return form;
}

function reviewBox(review) {
  const part = el("div", { class: "review" });
  if (review.decision) {
    part.append(
      el("p", { class: `decided decided-${review.decision}` }, `${DECIDED[review.decision]}（${review.user}，${review.at}）`, review.reason ? `理由：${review.reason}` : ""),
      decisionForm(review.finding, "open", "撤销结论", false),
    );
  } else {
    part.append(
      decisionForm(review.finding, "confirmed", "确认问题", false),
      el("details", { class: "dismiss" }, el("summary", {}, "排除…"), decisionForm(review.finding, "dismissed", "排除", true)),
    );
  }
  return part;
}

async function main() {
  try {
    const result = await getJSON(api);
    const layout = await layoutOf(result.report.template || "2021");
    const view = drawReport(result, layout);
    for (const item of view.querySelectorAll("li.finding")) {
      const review = result.review[Number(item.dataset.index) - 1];
      if (!review || ABOUT_THE_CHECK.has(item.dataset.rule)) continue; // what the check covered: nothing to decide
      item.dataset.finding = review.finding;
      if (review.decision) item.classList.add(`review-${review.decision}`);
      item.append(reviewBox(review));
    }
    const corrected = new Map(result.corrections.map((c) => [c.key, c]));
    const select = document.getElementById("correction-key");
    const value = document.getElementById("correction-value");
    for (const td of view.querySelectorAll("td[data-key]")) {
      const fix = corrected.get(td.dataset.key);
      if (fix) {
        td.classList.add("corrected");
        td.title += `\n人工更正：${fix.reason}（${fix.user}，${fix.at}）`;
      }
      td.addEventListener("click", () => {
        if (!select) return;
        select.value = td.dataset.key;
        if (!value.value) value.value = td.querySelector(".val")?.textContent.replace(/[缺?]$/, "") || "";
        select.dispatchEvent(new Event("change"));
      });
    }
    box.replaceChildren(view);
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, `${e.message}（${e.code || "E_HTTP"}）`));
  }
}

main();
