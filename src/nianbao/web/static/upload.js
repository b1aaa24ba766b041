// The upload page: drop or pick one or many reports; each is sent to /api/v1/check with its
// own progress bar (two at a time) and drawn as a card when the findings come back.

import { el, layoutOf, postForm, saveBlob } from "./api.js";
import { drawReport, formData } from "./report.js";

const drop = document.getElementById("drop");
const picker = document.getElementById("files");
const previousInput = document.getElementById("previous");
const results = document.getElementById("results");
const announcer = document.getElementById("announce");
const PARALLEL = 2;
const queue = [];
let running = 0;

function card(file) {
  const bar = el("progress", { max: "100", value: "0" });
  const state = el("span", { class: "state" }, "等待上传");
  const body = el("div", { class: "card-body" });
  const node = el(
    "article",
    { class: "card pending" },
    el("header", {}, el("h2", {}, file.name), el("div", { class: "progress" }, bar, state)),
    body,
  );
  results.prepend(node);
  return { node, bar, state, body };
}

// the server's limit, as the page states it: a file over it is told at once, not after uploading
const LIMIT_MB = Number(document.getElementById("limit")?.textContent || "0");

async function send(file, view) {
  if (LIMIT_MB > 0 && file.size > LIMIT_MB * 1e6) {
    view.node.classList.replace("pending", "failed");
    view.bar.remove();
    view.state.textContent = "无法处理";
    const mb = (file.size / 1e6).toFixed(1);
    view.body.replaceChildren(
      el("p", { class: "error" }, `文件过大（${mb} MB，上限 ${LIMIT_MB} MB），未上传`, " ", el("code", {}, "E_TOO_LARGE")),
    );
    return;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  const previous = previousInput.files[0];
  if (previous) form.append("previous", previous, previous.name);
  view.state.textContent = "上传中 0%";
  try {
    const result = await postForm("/api/v1/check", form, {
      onProgress: (f) => {
        view.bar.value = Math.round(f * 100);
        view.state.textContent = `上传中 ${Math.round(f * 100)}%`;
      },
      onSent: () => {
        view.bar.removeAttribute("value");
        view.state.textContent = "解析检查中…";
      },
    });
    const layout = await layoutOf(result.report.template || "2021");
    view.node.classList.replace("pending", result.summary.errors ? "has-errors" : "done");
    view.node.dataset.upload = result.upload;
    view.bar.remove();
    view.state.textContent = result.findings.length ? `发现 ${result.findings.length} 个问题` : "检查完成";
    announce(`${file.name}：${countsOf(result.summary)}`);
    const edit = el("button", { type: "button", class: "link" }, "在表单中修改");
    edit.addEventListener("click", () => {
      sessionStorage.setItem("nianbao.form", JSON.stringify(formData(result.report)));
      window.location.href = `/form?template=${encodeURIComponent(result.report.template || "2021")}`;
    });
    const json = el("button", { type: "button", class: "link" }, "下载 JSON");
    json.addEventListener("click", () => {
      const blob = new Blob([JSON.stringify(result.report, null, 2)], { type: "application/json" });
      saveBlob(blob, `${result.summary.agency || "report"}-${result.summary.year || ""}.json`);
    });
    view.body.replaceChildren(el("div", { class: "actions" }, edit, json), drawReport(result, layout));
  } catch (e) {
    view.node.classList.replace("pending", "failed");
    view.bar.remove();
    view.state.textContent = "无法处理";
    view.body.replaceChildren(el("p", { class: "error" }, e.message, " ", el("code", {}, e.code)));
    announce(`${file.name}：无法处理`);
  }
}

// What the live region says when a report is done: its counts, never the cards' tables.
function countsOf(summary) {
  if (!summary.errors && !summary.warnings) return summary.infos ? `未发现错误或警告，${summary.infos} 个提示` : "未发现问题";
  return `发现 ${summary.errors} 个错误、${summary.warnings} 个警告`;
}

const said = [];
function announce(text) {
  said.push(text);
  announcer.textContent = said.slice(-3).join("；");
}

function pump() {
  while (running < PARALLEL && queue.length) {
    const [file, view] = queue.shift();
    running += 1;
    send(file, view).finally(() => {
      running -= 1;
      pump();
    });
  }
}

function add(files) {
  for (const file of files) queue.push([file, card(file)]);
  pump();
}

picker.addEventListener("change", () => {
  add([...picker.files]);
  picker.value = "";
});
drop.addEventListener("keydown", (e) => {
  if (e.key === "Enter" || e.key === " ") picker.click();
});
for (const name of ["dragenter", "dragover"]) {
  drop.addEventListener(name, (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
}
for (const name of ["dragleave", "drop"]) {
  drop.addEventListener(name, () => drop.classList.remove("over"));
}
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  add([...e.dataTransfer.files]);
});
