"use strict";
// The leaderboard's tables, built from the JSON in index.html; writes text only (textContent).
// Per robot: the verified rows (ranked, then stale) with the paper's reference rows, and the
// self-reported rows in a table of their own, hidden until "show self-reported rows" is ticked.

const data = JSON.parse(document.getElementById("data").textContent);
const state = {robot: "", method: "", selfReported: false, sortKey: null, descending: false};
const NONE = "\u2013";
const TEXT_COLUMNS = ["task", "method", "backend", "success", "version"];

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
  if (column.key === "rank") return row.rank === null ? NONE : String(row.rank);
  if (column.key === "success") return row.success === null ? NONE : (row.success ? "yes" : "no");
  if (column.key === "version" || column.key === "backend") return row[column.key];
  if (column.key === "error" && row.error !== null && row.error_std !== null) {
    return number(row.error, column.decimals) + " \u00b1 " + number(row.error_std, column.decimals);
  }
  if (column.key === "success_rate" && row.success_rate !== null && row.success_rate_ci !== null) {
    const ci = row.success_rate_ci;
    return number(row.success_rate, column.decimals) + " [" + number(ci[0], column.decimals) + ", "
      + number(ci[1], column.decimals) + "]";
  }
  return number(row[column.key], column.decimals);
}

function sortValue(row, key) {
  if (key === "task") return row.task_index;
  if (key === "success") return row.success === null ? null : Number(row.success);
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
  if (row.section === "self-reported") cell.appendChild(element("span", "self-reported", "badge claimed"));
  return cell;
}

function versionCell(row) {
  const cell = element("td", row.version, "version");
  if (row.stale) cell.appendChild(element("span", "stale", "badge stale"));
  return cell;
}

function headerCell(column) {
  const cell = element("th", null, TEXT_COLUMNS.includes(column.key) ? "" : "num");
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
  const tr = element("tr", null, "row " + row.section + (row.stale ? " stale" : ""));
  tr.dataset.method = row.method;
  tr.dataset.section = row.section;
  for (const column of data.columns) {
    if (column.key === "method") tr.appendChild(methodCell(row));
    else if (column.key === "version") tr.appendChild(versionCell(row));
    else tr.appendChild(element("td", cellText(row, column), TEXT_COLUMNS.includes(column.key) ? column.key : "num"));
  }
  return tr;
}

function table(rows, className) {
  const node = element("table", null, className);
  const headRow = element("tr");
  for (const column of data.columns) headRow.appendChild(headerCell(column));
  node.appendChild(element("thead")).appendChild(headRow);
  const body = node.appendChild(element("tbody"));
  for (const row of rows) body.appendChild(tableRow(row));
  const wrap = element("div", null, "table-wrap");
  wrap.appendChild(node);
  return wrap;
}

function robotSection(robot, rows) {
  const section = element("section", null, "robot");
  section.dataset.robot = robot.name;
  section.appendChild(element("h2", robot.label));
  const shown = rows.filter((row) => row.section !== "self-reported");
  const claimed = rows.filter((row) => row.section === "self-reported");
  if (shown.length > 0) section.appendChild(table(shown, "verified"));
  if (claimed.length > 0 && state.selfReported) {
    section.appendChild(element("h3", robot.label + ": self-reported (the submitters' numbers, not re-measured "
      + "by the leaderboard; not ranked)", "claimed-heading"));
    section.appendChild(table(claimed, "self-reported"));
  } else if (claimed.length > 0) {
    section.appendChild(element("p", claimed.length + " self-reported row" + (claimed.length === 1 ? "" : "s")
      + " hidden (not re-measured by the leaderboard): tick \"show self-reported rows\" to list "
      + (claimed.length === 1 ? "it" : "them") + ".", "note hidden-rows"));
  }
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

const selfReported = document.getElementById("self-reported");
selfReported.checked = false;
selfReported.addEventListener("change", () => {
  state.selfReported = selfReported.checked;
  render();
});
fillFilter("robot-filter", data.robots.map((r) => ({value: r.name, label: r.label})), "robot");
fillFilter("method-filter", data.methods.map((m) => ({value: m, label: m})), "method");
render();
