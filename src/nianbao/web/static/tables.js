// Draw one table of a template in the official layout (from /api/v1/templates/{v}/layout):
// merged header and label cells as given, each value cell filled by fillValue(td, key).

import { el } from "./api.js";

export function drawTable(table, fillValue) {
  const t = el("table", { class: `official official-${table.key}`, dataset: { table: table.key } });
  const head = el("thead");
  const body = el("tbody");
  table.rows.forEach((row, r) => {
    const tr = el("tr");
    for (const cell of row) {
      const span = { rowspan: cell.rowspan > 1 ? cell.rowspan : null, colspan: cell.colspan > 1 ? cell.colspan : null };
      if (cell.kind === "value") {
        const td = el("td", {
          ...span,
          class: "value",
          dataset: { key: cell.key, row: String(cell.row), col: String(cell.col), cols: String(cell.colspan || 1) },
        });
        fillValue(td, cell.key);
        tr.append(td);
      } else if (cell.kind === "label") {
        tr.append(el("th", { ...span, scope: "row", class: "label" }, cell.text));
      } else {
        tr.append(el("th", { ...span, class: cell.kind }, cell.text));
      }
    }
    (r < table.header_rows ? head : body).append(tr);
  });
  if (head.children.length) t.append(head);
  t.append(body);
  return t;
}

// Every table of a layout, section by section: [{section, table}].
export function layoutTables(layout) {
  return layout.sections.flatMap((section) => section.tables.map((table) => ({ section, table })));
}
