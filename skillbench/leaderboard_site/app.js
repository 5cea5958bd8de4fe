"use strict";
// The leaderboard's tables, built from the JSON in index.html; writes text only (textContent).

const data = JSON.parse(document.getElementById("data").textContent);
const state = {robot: "", method: "", sortKey: null, descending: false};
const NONE = "\u2013";

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function number(value, decimals) {
  return value === null || value === undefined ? NONE : value.toFixed(decimals);
}

function cellText(row, column) {
  if (column.key === "task") return row.task_label;
  if (column.key === "error" && row.error !== null && row.error_std !== null) {
    return number(row.error, column.decimals) + " \u00b1 " + number(row.error_std, column.decimals);
  }
  return number(row[column.key], column.decimals);
}

function sortValue(row, key) {
  if (key === "task") return row.task_index;
  const value = row[key];
  return value === undefined ? null : value;
}

function compare(a, b) {
  if (state.sortKey === null) return a.order - b.order;
  const x = sortValue(a, state.sortKey);
  const y = sortValue(b, state.sortKey);
  if (x === null && y !== null) return 1;
  if (y === null && x !== null) return -1;
  let result = x === null ? 0 : (typeof x === "string" ? x.localeCompare(y) : x - y);
  if (result === 0) result = a.order - b.order;
  return state.descending ? -result : result;
}

function methodCell(row) {
  const cell = element("td", null, "method");
  if (row.href) {
    const link = element("a", row.method);
    link.setAttribute("href", row.href);
    cell.appendChild(link);
  } else {
    cell.appendChild(element("span", row.method));
  }
  if (row.reference) cell.appendChild(element("span", "reference", "badge"));
  return cell;
}

function headerCell(column) {
  const cell = element("th", null, column.key === "task" || column.key === "method" ? "" : "num");
  cell.dataset.key = column.key;
  cell.setAttribute("scope", "col");
  cell.title = column.title;
  const sorted = state.sortKey === column.key;
  cell.setAttribute("aria-sort", sorted ? (state.descending ? "descending" : "ascending") : "none");
  const button = element("button", column.label);
  button.type = "button";
  button.appendChild(element("span", sorted ? (state.descending ? " \u25bc" : " \u25b2") : "", "arrow"));
  button.addEventListener("click", () => sortBy(column.key));
  cell.appendChild(button);
  return cell;
}

function tableRow(row) {
  const tr = element("tr", null, row.reference ? "row reference" : "row");
  tr.dataset.method = row.method;
  for (const column of data.columns) {
    if (column.key === "method") tr.appendChild(methodCell(row));
    else tr.appendChild(element("td", cellText(row, column), column.key === "task" ? "task" : "num"));
  }
  return tr;
}

function robotSection(robot, rows) {
  const section = element("section", null, "robot");
  section.dataset.robot = robot.name;
  section.appendChild(element("h2", robot.label));
  const table = element("table");
  const headRow = element("tr");
  for (const column of data.columns) headRow.appendChild(headerCell(column));
  table.appendChild(element("thead")).appendChild(headRow);
  const body = table.appendChild(element("tbody"));
  for (const row of rows) body.appendChild(tableRow(row));
  section.appendChild(element("div", null, "table-wrap")).appendChild(table);
  return section;
}

function render() {
  const main = document.getElementById("tables");
  main.replaceChildren();
  const rows = data.rows.filter((row) => !state.method || row.method === state.method).sort(compare);
  for (const robot of data.robots) {
    if (state.robot && robot.name !== state.robot) continue;
    const mine = rows.filter((row) => row.robot === robot.name);
    if (mine.length > 0) main.appendChild(robotSection(robot, mine));
  }
  if (!main.firstChild) main.appendChild(element("p", "No rows match the filters.", "note"));
}

function sortBy(key) {
  state.descending = state.sortKey === key ? !state.descending : false;
  state.sortKey = key;
  render();
}

function fillFilter(id, options, stateKey) {
  const select = document.getElementById(id);
  for (const option of options) {
    const node = element("option", option.label);
    node.value = option.value;
    select.appendChild(node);
  }
  select.addEventListener("change", () => {
    state[stateKey] = select.value;
    render();
  });
}

fillFilter("robot-filter", data.robots.map((r) => ({value: r.name, label: r.label})), "robot");
fillFilter("method-filter", data.methods.map((m) => ({value: m, label: m})), "method");
render();
