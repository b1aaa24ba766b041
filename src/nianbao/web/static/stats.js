// The statistics page's charts, drawn in the browser with Chart.js (vendor/chartjs, served by
// the app) from /api/v1/corpus/stats: tooltips on hover, a legend of buttons that show or hide a
// series (reachable by keyboard), Chinese labels from the template (outcomes, appeals) and the
// rules' Chinese descriptions. The table beside each chart holds its numbers.

import { SEVERITY_ZH, el, getJSON } from "./api.js";

const Chart = window.Chart;
const root = document.getElementById("stats");
const note = document.getElementById("stats-note");
const MAX_GROUPS = 20; // groups drawn (those with the most applications); the tables keep all
const MAX_RULES = 15;
// colours distinct from each other and at least 3:1 against the white of the chart
const PALETTE = ["#1f5fa8", "#a4161a", "#b25e00", "#2e7d32", "#6a1b9a", "#00796b", "#5d4037", "#455a64"];
const SEVERITY_COLOUR = { error: "#a4161a", warning: "#8a5300", info: "#1f5fa8" };
const NUMBERING = /^（[一二三四五六七八九十]+）/;
const number = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });

const shortLabel = (label) => label.replace(NUMBERING, "");
const percent = (share) => (share === null || share === undefined ? null : Math.round(1000 * share) / 10);

function style() {
  const css = getComputedStyle(document.documentElement);
  Chart.defaults.font.family = css.fontFamily;
  Chart.defaults.font.size = window.innerWidth < 600 ? 11 : 12;
  Chart.defaults.color = css.getPropertyValue("--ink").trim() || "#1d2430";
  Chart.defaults.borderColor = "#d9dde3";
  Chart.defaults.animation = false; // drawn at once: nothing moves under a reader's pointer
}

// The groups drawn: all of them, or the MAX_GROUPS with the most applications, in their order.
function drawnGroups(groups) {
  if (groups.length <= MAX_GROUPS) return groups;
  const top = new Set([...groups].sort((a, b) => b.received - a.received).slice(0, MAX_GROUPS));
  note.hidden = false;
  note.textContent = `共 ${groups.length} 组，图中只画出新收申请最多的 ${MAX_GROUPS} 组；表格列出全部。`;
  return groups.filter((g) => top.has(g));
}

// A long label in lines of at most `width` characters (Chart.js draws an array as lines).
function wrap(text, width) {
  const lines = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.length > 1 ? lines : text;
}

function legend(chart, box) {
  box.replaceChildren();
  chart.data.datasets.forEach((dataset, i) => {
    const button = el(
      "button",
      { type: "button", class: "legend-item", "aria-pressed": "true", dataset: { index: String(i) } },
      el("span", { class: "swatch", "aria-hidden": "true" }),
      dataset.label,
    );
    button.firstChild.style.background = dataset.legendColour || dataset.backgroundColor;
    button.addEventListener("click", () => {
      const visible = !chart.isDatasetVisible(i);
      chart.setDatasetVisibility(i, visible);
      chart.update();
      button.setAttribute("aria-pressed", String(visible));
    });
    box.append(button);
  });
}

function draw(figure, config, caption) {
  const canvas = figure.querySelector("canvas");
  config.options = {
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: "nearest", intersect: false, axis: config.options?.indexAxis === "y" ? "y" : "x" },
    ...config.options,
    plugins: { legend: { display: false }, ...config.options?.plugins },
  };
  const chart = new Chart(canvas, config);
  legend(chart, figure.querySelector(".chart-legend"));
  figure.querySelector("figcaption").textContent = caption;
  figure.dataset.drawn = "true";
  return chart;
}

function overview(figure, data, groups) {
  const names = groups.map((g) => g.name);
  draw(
    figure,
    {
      type: "bar",
      data: {
        labels: names,
        datasets: [
          { label: "本年新收申请", data: groups.map((g) => g.received), backgroundColor: PALETTE[0], yAxisID: "y" },
          { label: "上年结转", data: groups.map((g) => g.carried_over), backgroundColor: PALETTE[5], yAxisID: "y" },
          {
            type: "line",
            label: "予以公开占比（%）",
            data: groups.map((g) => percent(g.granted_share)),
            borderColor: PALETTE[1],
            backgroundColor: PALETTE[1],
            legendColour: PALETTE[1],
            yAxisID: "share",
            spanGaps: false,
            pointRadius: 4,
          },
        ],
      },
      options: {
        scales: {
          y: { beginAtZero: true, title: { display: true, text: "件" }, ticks: { precision: 0 } },
          share: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "予以公开占比（%）" } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (c) => (c.dataset.yAxisID === "share" ? `${c.dataset.label}：${c.raw === null ? "—" : `${c.raw}%`}` : `${c.dataset.label}：${number.format(c.raw)} 件`),
            },
          },
        },
      },
    },
    "柱：本年新收与上年结转的申请（件，左轴）；线：办理结果中予以公开的占比（%，右轴；无办理结果的组不画）。",
  );
}

function stacked(figure, groups, labels, valueOf, unit, caption, tooltipExtra) {
  draw(
    figure,
    {
      type: "bar",
      data: {
        labels: groups.map((g) => g.name),
        datasets: labels.map((label, i) => ({
          label: shortLabel(label),
          data: groups.map((g) => valueOf(g, label)),
          backgroundColor: PALETTE[i % PALETTE.length],
        })),
      },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, max: unit === "%" ? 100 : undefined, title: { display: true, text: unit === "%" ? "占办理结果总计（%）" : "件" } },
        },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}：${unit === "%" ? `${c.raw}%` : `${number.format(c.raw)} 件`}${tooltipExtra ? tooltipExtra(c) : ""}` } } },
      },
    },
    caption,
  );
}

function outcomes(figure, data, groups) {
  const labels = Object.keys(groups[0]?.outcomes || {});
  const share = (g, label) => (g.results_total ? Math.round((1000 * (g.outcomes[label] || 0)) / g.results_total) / 10 : 0);
  stacked(figure, groups, labels, share, "%", "各组办理结果的构成（占办理结果总计的百分比）。", (c) => {
    const g = groups[c.dataIndex];
    return `（${number.format(g.outcomes[labels[c.datasetIndex]] || 0)} 件）`;
  });
}

function appeals(figure, data, groups) {
  const labels = Object.keys(groups[0]?.appeal_results || {});
  stacked(figure, groups, labels, (g, label) => g.appeal_results[label] || 0, "件", "行政复议与行政诉讼合计，按结果（件）。");
}

function rules(figure, data) {
  const shown = data.rules.slice(0, MAX_RULES);
  const box = figure.querySelector(".chart-box");
  box.style.height = `${Math.max(160, 44 * shown.length + 60)}px`;
  const severities = ["error", "warning", "info"].filter((s) => shown.some((r) => r.severity === s));
  const narrow = window.innerWidth < 600;
  draw(
    figure,
    {
      type: "bar",
      data: {
        labels: shown.map((r) => wrap(r.description || r.rule, narrow ? 10 : 22)),
        datasets: severities.map((s) => ({
          label: SEVERITY_ZH[s],
          data: shown.map((r) => (r.severity === s ? r.reports : null)),
          backgroundColor: SEVERITY_COLOUR[s],
          skipNull: true,
        })),
      },
      options: {
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "报告数" } },
          y: { stacked: true },
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? shown[items[0].dataIndex].description || shown[items[0].dataIndex].rule : ""),
              label: (c) => `${c.dataset.label}：${c.raw} 份报告（规则 ${shown[c.dataIndex].rule}）`,
            },
          },
        },
      },
    },
    shown.length
      ? `有检查发现的报告数，按规则（以规则的中文说明标注；颜色为严重程度${data.rules.length > MAX_RULES ? `；只画出前 ${MAX_RULES} 条，表格列出全部` : ""}）。`
      : "年报库中的报告没有检查发现。",
  );
}

const CHARTS = { overview, outcomes, appeals, rules };

async function start() {
  style();
  let data;
  try {
    data = await getJSON(root.dataset.url);
  } catch (e) {
    note.hidden = false;
    note.className = "error";
    note.textContent = `无法读取统计数据：${e.message}（${e.code}）`;
    return;
  }
  const groups = drawnGroups(data.groups);
  for (const figure of root.querySelectorAll("figure[data-chart]")) {
    CHARTS[figure.dataset.chart]?.(figure, data, groups);
  }
  root.dataset.ready = "true";
}

start();
