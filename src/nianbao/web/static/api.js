// Calls to the JSON API and small DOM helpers shared by the pages. Text from reports is
// only ever set with textContent (el(..., text)), never parsed as markup.

export const SEVERITY_ZH = { error: "错误", warning: "警告", info: "提示" };

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function errorOf(response) {
  try {
    const body = await response.json();
    return new ApiError(body.code || "E_HTTP", body.message || `请求失败（${response.status}）`, response.status);
  } catch {
    return new ApiError("E_HTTP", `请求失败（${response.status}）`, response.status);
  }
}

export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw await errorOf(response);
  return response.json();
}

export async function postJSON(url, data, signal) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(data),
    signal,
  });
  if (!response.ok) throw await errorOf(response);
  return response;
}

// POST a multipart form with upload progress (fetch cannot report it): onProgress(fraction)
// while sending, onSent() once the server has the whole body and is working.
export function postForm(url, form, { onProgress, onSent } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.upload.addEventListener("load", () => onSent && onSent());
    xhr.addEventListener("load", () => {
      const body = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(body?.code || "E_HTTP", body?.message || `请求失败（${xhr.status}）`, xhr.status));
    });
    xhr.addEventListener("error", () => reject(new ApiError("E_NETWORK", "无法连接服务器", 0)));
    xhr.send(form);
  });
}

const layouts = new Map();

// A template's official layout (labels from the template data), fetched once per version.
export function layoutOf(version) {
  if (!layouts.has(version)) layouts.set(version, getJSON(`/api/v1/templates/${encodeURIComponent(version)}/layout`));
  return layouts.get(version);
}

// The file name of a download, from Content-Disposition (filename* first).
export function downloadName(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="([^"]+)"/i.exec(header);
  return plain ? plain[1] : fallback;
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function formatValue(value) {
  if (value === null || value === undefined) return "";
  return String(value);
}
