// The batch dashboard: filters applied as soon as they change, a row opened by a click anywhere
// on it, and the files uploaded one by one (each its own request, with its progress) to
// /api/v1/batches/{id}/reports, so that a large batch is not one huge request; the page is then
// loaded again from the server, which keeps the batch.

import { el } from "./api.js";

const root = document.getElementById("batch");
const { batch, csrf } = root.dataset;
const maxMb = Number(root.dataset.maxMb || "0");

const filters = document.getElementById("batch-filters");
for (const input of filters.querySelectorAll("input[type=checkbox], select")) {
  input.addEventListener("change", () => filters.requestSubmit());
}

for (const row of document.querySelectorAll("#batch-table tbody tr[data-href]")) {
  row.addEventListener("click", (e) => {
    if (e.target.closest("a, button, input, select")) return;
    window.location.href = row.dataset.href;
  });
}

function send(file, item) {
  return new Promise((resolve) => {
    const form = new FormData();
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/batches/${encodeURIComponent(batch)}/reports`);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.responseType = "json";
    const state = item.querySelector(".state");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) state.textContent = `上传中 ${Math.round((e.loaded / e.total) * 100)}%`;
    });
    xhr.upload.addEventListener("load", () => {
      state.textContent = "解析检查中…";
    });
    xhr.addEventListener("load", () => {
      const body = xhr.response || {};
      if (xhr.status >= 200 && xhr.status < 300) {
        state.textContent = body.duplicate ? "与已上传的文件相同，未重复添加" : body.resubmitted ? `重新报送（第 ${body.version} 版）` : "已加入批次";
        item.classList.add("done");
      } else {
        state.textContent = `${body.message || `上传失败（${xhr.status}）`} ${body.code || ""}`;
        item.classList.add("failed");
      }
      resolve();
    });
    xhr.addEventListener("error", () => {
      state.textContent = "无法连接服务器";
      item.classList.add("failed");
      resolve();
    });
    xhr.send(form);
  });
}

const upload = document.getElementById("batch-upload");
const picker = document.getElementById("batch-files");
const progress = document.getElementById("upload-progress");
upload.addEventListener("submit", async (e) => {
  e.preventDefault();
  const files = [...picker.files];
  if (!files.length) return;
  const button = upload.querySelector("button[type=submit]");
  button.disabled = true;
  const items = files.map((f) => el("li", {}, el("span", { class: "name" }, f.name), " ", el("span", { class: "state" }, "等待上传")));
  progress.replaceChildren(...items);
  for (const [i, file] of files.entries()) {
    if (maxMb > 0 && file.size > maxMb * 1e6) {
      items[i].querySelector(".state").textContent = `文件过大（上限 ${maxMb} MB），未上传`;
      items[i].classList.add("failed");
      continue;
    }
    await send(file, items[i]);
  }
  picker.value = "";
  button.disabled = false;
  window.location.reload();
});
