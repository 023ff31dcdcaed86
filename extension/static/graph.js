// sideflow graph widget front end: draws the DAG as SVG, updates node states in place, sends clicks.
// Contract (see widget.py): traitlets graph, states, durations, preview, message, busy, name;
// a click sends {type: "run", node}; resting on a node sends {type: "explain", node} and gets
// back {type: "explain", node, why, plan} (flow.why / flow.plan as_dict()). Names and data only
// ever go through textContent. One file (about 750 lines, over the usual 300) because anywidget
// loads one ESM module; its sections: helpers, chrome, hover cards, preview, the view.

const SVG = "http://www.w3.org/2000/svg";
const STATES = ["input", "idle", "running", "fresh", "stale", "error", "missing-input"];
const ROLES = ["function", "input", "config", "output", "override"];
const PATH_DATA = /^[MmLlHhVvCcSsQqTtAaZz0-9eE.,+\-\s]+$/;
const MIN_ZOOM = 0.02;
const MAX_ZOOM = 4;
const LABEL_PX = 12; // .sf-label font size in graph units
const MIN_LABEL_PX = 9; // "fit" never shrinks labels below this: it shows the selection instead
const EXPLAIN_DELAY = 90; // ms a pointer rests on a node before asking what a click would run
const DRAG_SLOP = 4;
const LONG_PRESS = 450; // ms a touch rests on a node to show its card instead of running it // pixels a pointer may move and still count as a click
let viewCount = 0;

// -- helpers ---------------------------------------------------------------------------------

function h(tag, cls, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

function s(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

export function formatDuration(seconds) {
  if (typeof seconds !== "number" || !isFinite(seconds) || seconds < 0) return "";
  if (seconds < 0.001) return "<1 ms";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

// Names within `hops` steps of `start`, upstream and downstream (each direction on its own).
export function neighbourhood(start, hops, parents, children) {
  const keep = new Set([start]);
  for (const links of [parents, children]) {
    let frontier = [start];
    for (let step = 0; step < hops && frontier.length; step++) {
      const next = [];
      for (const name of frontier) {
        for (const other of links.get(name) || []) {
          if (!keep.has(other)) { keep.add(other); next.push(other); }
        }
      }
      frontier = next;
    }
  }
  return keep;
}

// Names containing the query (case-insensitive), exact and prefix matches first.
export function searchNames(names, query) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const found = names.filter((n) => n.toLowerCase().includes(q));
  const rank = (n) => (n.toLowerCase() === q ? 0 : n.toLowerCase().startsWith(q) ? 1 : 2);
  return found.sort((a, b) => rank(a) - rank(b));
}

// An edge is drawn from `path` (SVG path data, as core/scene.py routes it), else through
// `points` ([[x, y], ...]; `curve: "bezier"` for cubic control points), else straight.
function edgePath(edge, boxes, rankdir) {
  if (typeof edge.path === "string" && PATH_DATA.test(edge.path)) return edge.path;
  let pts = Array.isArray(edge.points) ? edge.points.filter((p) => p && p.length >= 2) : [];
  if (pts.length < 2) {
    const a = boxes.get(String(edge.source));
    const b = boxes.get(String(edge.target));
    if (!a || !b) return "";
    pts = rankdir === "LR"
      ? [[a.x + a.width / 2, a.y], [b.x - b.width / 2, b.y]]
      : [[a.x, a.y + a.height / 2], [b.x, b.y - b.height / 2]];
  }
  const [first, ...rest] = pts;
  let d = `M${first[0]},${first[1]}`;
  if (edge.curve === "bezier" && rest.length % 3 === 0) {
    for (let i = 0; i < rest.length; i += 3) d += ` C${rest[i]} ${rest[i + 1]} ${rest[i + 2]}`;
    return d;
  }
  return d + rest.map((p) => ` L${p[0]},${p[1]}`).join("");
}

// -- chrome: banner, legend, search, focus, zoom buttons, canvas, card, preview panel ------------

function button(cls, label, title) {
  const b = h("button", cls, label);
  b.type = "button";
  b.title = title;
  return b;
}

function buildChrome(uid) {
  const ui = { root: h("div", "sf-root"), banner: h("div", "sf-message") };
  ui.banner.setAttribute("role", "alert");
  const legend = h("ul", "sf-legend");
  for (const state of STATES) {
    const item = h("li", `sf-legend-item sf-state-${state}`);
    item.dataset.state = state;
    item.append(h("span", "sf-swatch"), h("span", "sf-legend-label", state));
    legend.append(item);
  }
  const find = h("div", "sf-find");
  ui.search = h("input", "sf-search");
  Object.assign(ui.search, { type: "search", placeholder: "find a node…", spellcheck: false });
  ui.search.setAttribute("aria-label", "Find a node by name (Enter: next match)");
  ui.matches = h("span", "sf-match-count", "");
  const focusLabel = h("label", "sf-focus");
  ui.focus = h("input", "sf-focus-toggle");
  ui.focus.type = "checkbox";
  ui.hops = h("input", "sf-hops");
  Object.assign(ui.hops, { type: "number", min: 1, max: 20, value: 2, title: "hops around the selection" });
  focusLabel.append(ui.focus, h("span", "", " focus ±"), ui.hops);
  focusLabel.title = "Show only the selected node and its neighbours up to N hops";
  find.append(ui.search, ui.matches, focusLabel);
  const buttons = h("div", "sf-zoom");
  ui.zoomOut = button("sf-zoom-out", "−", "Zoom out");
  ui.zoomIn = button("sf-zoom-in", "+", "Zoom in");
  ui.fit = button("sf-fit", "fit", "Fit the graph (labels stay readable: a big graph shows the selection)");
  ui.all = button("sf-all", "all", "Show the whole graph, however small");
  ui.tidy = button("sf-tidy", "tidy", "Lay the graph out afresh (edits keep places; this forgets them)");
  buttons.append(ui.zoomOut, ui.zoomIn, ui.fit, ui.all, ui.tidy);
  const toolbar = h("div", "sf-toolbar");
  toolbar.append(legend, find, buttons);

  ui.svg = s("svg", { class: "sf-svg", role: "group" });
  const marker = s("marker", {
    id: `${uid}-arrow`, viewBox: "0 0 10 10", refX: 9, refY: 5,
    // user units: a highlighted (thicker) edge keeps the same arrowhead instead of a bigger one
    markerUnits: "userSpaceOnUse", markerWidth: 10, markerHeight: 10, orient: "auto-start-reverse",
  });
  marker.append(s("path", { d: "M0,0 L10,5 L0,10 z", class: "sf-arrowhead" }));
  const defs = s("defs");
  defs.append(marker);
  ui.viewport = s("g", { class: "sf-viewport" });
  ui.edgeLayer = s("g", { class: "sf-edges" });
  ui.nodeLayer = s("g", { class: "sf-nodes" });
  ui.viewport.append(ui.edgeLayer, ui.nodeLayer);
  ui.svg.append(defs, ui.viewport);
  ui.canvas = h("div", "sf-canvas");
  ui.empty = h("div", "sf-empty", "No nodes yet.");
  ui.hint = h("div", "sf-hint", "");
  ui.card = h("div", "sf-card");
  ui.card.hidden = true;
  ui.card.setAttribute("role", "tooltip");
  ui.canvas.append(ui.svg, ui.empty, ui.hint, ui.card);
  ui.panel = h("div", "sf-preview");
  const body = h("div", "sf-body");
  body.append(ui.canvas, ui.panel);
  ui.root.append(ui.banner, toolbar, body);
  return ui;
}

// One node: <g class="sf-node" data-node data-role data-state> with shape, name and duration.
function makeNode(name, role, box) {
  const g = s("g", {
    class: `sf-node sf-role-${role}`, transform: `translate(${box.x},${box.y})`,
    tabindex: 0, role: "button", "aria-label": `run ${name}`,
  });
  g.dataset.node = name;
  g.dataset.role = role;
  const { width: w, height: ht } = box;
  const shape = role === "input"
    ? s("ellipse", { rx: w / 2, ry: ht / 2 })
    : s("rect", { x: -w / 2, y: -ht / 2, width: w, height: ht, rx: role === "config" ? 2 : 8 });
  shape.setAttribute("class", "sf-shape");
  const label = s("text", { class: "sf-label", y: -2 });
  label.textContent = name;
  const dur = s("text", { class: "sf-duration", y: ht / 2 - 5 });
  g.append(shape, label, dur);
  return { g, dur };
}

// -- hover cards -------------------------------------------------------------------------------

function cardRow(card, cls, label, value) {
  if (value === undefined || value === null || value === "") return;
  const row = h("div", `sf-card-row ${cls}`);
  row.append(h("span", "sf-card-key", label), h("span", "sf-card-value", String(value)));
  card.append(row);
}

// The facts known at once (scene + states); `explained` adds why and plan when they arrive.
function fillCard(card, name, rec, explained) { // signature, doc, file:line, modifiers, tags, timing
  const node = rec.data;
  card.replaceChildren();
  card.dataset.node = name;
  const head = h("div", "sf-card-head");
  head.append(h("code", "sf-card-name", name), h("span", `sf-badge sf-status-${rec.state}`, rec.state));
  card.append(head, h("code", "sf-card-signature", node.signature || name));
  if (node.doc) card.append(h("div", "sf-card-doc", node.doc));
  cardRow(card, "sf-card-returns", "returns", node.returns);
  cardRow(card, "sf-card-location", "defined", node.location);
  cardRow(card, "sf-card-origin", "made by", node.origin);
  if (node.default !== undefined) cardRow(card, "sf-card-default", "default", node.default);
  const tags = node.tags && typeof node.tags === "object" ? Object.entries(node.tags) : [];
  cardRow(card, "sf-card-tags", "tags", tags.map(([k, v]) => `${k}=${v}`).join(", "));
  cardRow(card, "sf-card-duration", "last run", rec.duration);
  if (node.cached !== undefined) cardRow(card, "sf-card-cached", "cached", node.cached === true ? "yes" : node.cached);
  if (!explained) return;
  if (explained.error) cardRow(card, "sf-card-error", "explain", explained.error);
  const why = explained.why;
  if (why && why.text && rec.state !== "fresh" && rec.state !== "input") {
    const box = h("div", "sf-card-why");
    box.append(h("div", "sf-card-key", `why ${why.state || rec.state}`), h("pre", "sf-why-text", why.text));
    card.append(box);
  }
  const plan = explained.plan;
  if (plan && Array.isArray(plan.run)) {
    const runs = plan.run.length ? `runs ${plan.run.length}: ${plan.run.join(" → ")}` : "runs nothing: fresh";
    const reuse = Array.isArray(plan.reuse) && plan.reuse.length ? `; reuses ${plan.reuse.length}` : "";
    cardRow(card, "sf-card-plan", "a click", runs + reuse);
    if (Array.isArray(plan.missing) && plan.missing.length) {
      cardRow(card, "sf-card-missing", "needs input", plan.missing.join(", "));
    }
  }
}

// -- preview panel -----------------------------------------------------------------------------

function drawPreview(panel, p) {
  panel.replaceChildren();
  panel.dataset.node = p.node || "";
  panel.dataset.status = p.status || "";
  if (!p.node) {
    panel.append(h("div", "sf-preview-hint", "Click a node to run it and preview its result."));
    return;
  }
  const head = h("div", "sf-preview-head");
  head.append(h("span", "sf-preview-node", p.node), h("span", `sf-badge sf-status-${p.status}`, p.status));
  panel.append(head, h("div", "sf-preview-summary", p.summary || ""));
  if (p.expression) {
    const row = h("div", "sf-expression-row");
    const code = h("code", "sf-expression", p.expression);
    const copy = button("sf-copy", "copy", "Copy the expression that returns this value");
    copy.addEventListener("click", () => copyText(code, copy));
    row.append(code, copy);
    panel.append(row);
  }
  const content = h("div", "sf-preview-body");
  content.innerHTML = p.html || ""; // the only markup inserted: built and sanitized by preview.py
  panel.append(content);
}

function copyText(code, copyButton) {
  const done = () => {
    copyButton.textContent = "copied";
    setTimeout(() => { copyButton.textContent = "copy"; }, 1200);
  };
  const select = () => {
    const range = document.createRange();
    range.selectNodeContents(code);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(code.textContent).then(done, select);
  } else {
    select();
  }
}

// The static picture displayed after the widget (widget.py's picture()) is for front ends
// without this code: while the live view runs, hide it.
function hidePicture(el) {
  let watcher = null;
  let tries = 0;
  let timer = 0;
  const attach = () => { // the view's element joins the output area after render() returns
    const child = el.closest(".jp-OutputArea-child, .output_area");
    const area = child && child.parentElement;
    if (!area) {
      if (++tries < 100) timer = setTimeout(attach, 100);
      return;
    }
    const check = () => {
      const next = child.nextElementSibling;
      if (next && next.querySelector("img.sf-picture, svg.sf-picture")) {
        next.classList.add("sf-picture-hidden");
        next.style.display = "none";
      }
    };
    check();
    watcher = new MutationObserver(check);
    watcher.observe(area, { childList: true });
  };
  attach();
  return () => { clearTimeout(timer); watcher?.disconnect(); };
}

// -- the view: render() keeps its state (nodes, view, selection, search, focus) in one closure ---

function render({ model, el }) {
  const uid = `sf${++viewCount}-${Math.random().toString(36).slice(2, 8)}`;
  const ui = buildChrome(uid);
  el.append(ui.root);
  let nodes = new Map(); // name -> {g, dur, role, state, duration, edges, data, box}
  let order = []; // names in graph order
  let parents = new Map();
  let children = new Map();
  let bounds = { left: 0, top: 0, width: 0, height: 0 };
  let view = { x: 0, y: 0, k: 1 };
  let fitted = false;
  let engaged = false; // pressed inside the graph since the pointer last left it
  let follow = true; // the view follows the graph until the user pans or zooms ("fit" resumes)
  let pending = ""; // the node clicked but not yet acknowledged (shown as running at once)
  let selected = "";
  let matches = [];
  let matchAt = -1;
  let hovered = "";
  let explainTimer = 0;
  const explained = new Map(); // name -> last answer, dropped when the states change
  const readable = MIN_LABEL_PX / LABEL_PX;

  function applyView() {
    ui.viewport.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
    ui.root.dataset.zoom = view.k.toFixed(3);
  }

  function visibleNames() {
    if (!(ui.focus.checked && selected && nodes.has(selected))) return null;
    return neighbourhood(selected, Math.max(1, Number(ui.hops.value) || 1), parents, children);
  }

  function boxOf(names) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const name of names) {
      const b = nodes.get(name)?.box;
      if (!b) continue;
      x0 = Math.min(x0, b.x - b.width / 2); x1 = Math.max(x1, b.x + b.width / 2);
      y0 = Math.min(y0, b.y - b.height / 2); y1 = Math.max(y1, b.y + b.height / 2);
    }
    return x0 === Infinity ? null : { left: x0, top: y0, width: x1 - x0, height: y1 - y0 };
  }

  // Show `box` whole if its labels stay readable (or `anySize`); else show the selection (or the
  // top of the graph) at the smallest readable zoom and say so.
  // `rect` (the canvas's size) is read before a redraw inserts thousands of elements, so
  // fitting never forces the browser to lay them out synchronously.
  function show(box, adaptHeight, anySize, rect = null) {
    let r = rect || ui.svg.getBoundingClientRect();
    if (!r.width || !r.height || !box) return false;
    const gw = box.width || 1;
    const gh = box.height || 1;
    if (adaptHeight) { // first sight: a flat graph gets a short canvas, a tall one at most 480px
      const k = Math.max(readable, Math.min(1.25, (0.95 * r.width) / gw));
      const px = Math.round(Math.max(160, Math.min(480, gh * k + 24)));
      const delta = px - (parseFloat(ui.canvas.style.height) || px);
      setHeight(px);
      r = { width: r.width, height: r.height + delta };
    }
    let k = Math.max(MIN_ZOOM, Math.min(1.25, (0.95 * r.width) / gw, (0.95 * r.height) / gh));
    let cx = box.left + gw / 2;
    let cy = box.top + gh / 2;
    const partial = k < readable && !anySize;
    if (partial) {
      k = readable;
      const at = nodes.get(selected)?.box;
      if (at) { cx = at.x; cy = at.y; } else { cy = box.top + (0.45 * r.height) / k; }
    }
    view = { k, x: r.width / 2 - cx * k, y: r.height / 2 - cy * k };
    ui.hint.textContent = partial
      ? `${nodes.size} nodes: showing part at readable size; find a node, use focus, or "all"` : "";
    ui.hint.hidden = !partial;
    applyView();
    return true;
  }

  function setHeight(px) {
    ui.canvas.style.height = `${px}px`;
    ui.panel.style.height = `${px}px`; // the panel scrolls inside; the page never shifts
  }

  function fit(adaptHeight, anySize, rect = null) {
    const shown = visibleNames();
    return show(shown ? boxOf(shown) : bounds, adaptHeight, anySize, rect);
  }

  function zoomAt(factor, sx, sy) {
    follow = false;
    const k = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, view.k * factor));
    const px = (sx - view.x) / view.k;
    const py = (sy - view.y) / view.k;
    view = { k, x: sx - px * k, y: sy - py * k };
    applyView();
  }

  function zoomCentre(factor) {
    const rect = ui.svg.getBoundingClientRect();
    zoomAt(factor, rect.width / 2, rect.height / 2);
  }

  function centreOn(name) {
    const b = nodes.get(name)?.box;
    const rect = ui.svg.getBoundingClientRect();
    if (!b || !rect.width) return;
    const k = Math.max(view.k, readable);
    view = { k, x: rect.width / 2 - b.x * k, y: rect.height / 2 - b.y * k };
    follow = false;
    applyView();
  }

  function outsideView(rect) {
    const sx = (x) => x * view.k + view.x;
    const sy = (y) => y * view.k + view.y;
    return bounds.width > 0 && (sx(bounds.left) < 0 || sy(bounds.top) < 0
      || sx(bounds.left + bounds.width) > rect.width || sy(bounds.top + bounds.height) > rect.height);
  }

  // Full redraw, only when the graph changes. The layout keeps unchanged nodes in place, so the
  // view (pan, zoom), the selection, the search and the focus are all kept.
  function drawGraph() {
    const started = performance.now();
    const rect = ui.svg.getBoundingClientRect(); // before the new nodes exist: cheap
    const graph = model.get("graph") || {};
    bounds = {
      left: Number(graph.left) || 0, top: Number(graph.top) || 0,
      width: Number(graph.width) || 0, height: Number(graph.height) || 0,
    };
    nodes = new Map();
    order = [];
    parents = new Map();
    children = new Map();
    const boxes = new Map();
    const nodeFrag = document.createDocumentFragment();
    for (const node of Array.isArray(graph.nodes) ? graph.nodes : []) {
      const name = String(node.name);
      const role = ROLES.includes(node.role) ? node.role : "function";
      const box = {
        x: Number(node.x) || 0, y: Number(node.y) || 0,
        width: Number(node.width) || 120, height: Number(node.height) || 36,
      };
      boxes.set(name, box);
      const { g, dur } = makeNode(name, role, box);
      nodeFrag.append(g);
      nodes.set(name, { g, dur, role, state: "", duration: "", edges: [], data: node, box });
      order.push(name);
      parents.set(name, []);
      children.set(name, []);
    }
    const edgeFrag = document.createDocumentFragment();
    for (const edge of Array.isArray(graph.edges) ? graph.edges : []) {
      const d = edgePath(edge, boxes, graph.rankdir);
      if (!d) continue;
      const source = String(edge.source);
      const target = String(edge.target);
      const path = s("path", { class: "sf-edge", d, "marker-end": `url(#${uid}-arrow)` });
      path.dataset.source = source;
      path.dataset.target = target;
      edgeFrag.append(path);
      for (const end of [source, target]) nodes.get(end)?.edges.push(path);
      parents.get(target)?.push(source);
      children.get(source)?.push(target);
    }
    ui.edgeLayer.replaceChildren(edgeFrag);
    ui.nodeLayer.replaceChildren(nodeFrag);
    ui.empty.hidden = nodes.size > 0;
    if (!nodes.has(selected)) selected = "";
    explained.clear();
    if (hovered) closeCard(); // its node was redrawn (or removed)
    if (!fitted && nodes.size) fitted = fit(true, false, rect);
    else if (follow && outsideView(rect)) fit(true, false, rect); // untouched view: keep showing all
    applyStates();
    applySelection();
    runSearch(false);
    ui.root.dataset.drawMs = String(Math.round(performance.now() - started)); // for benchmarks
  }

  // State changes touch only classes, data-state and duration text: cheap for 2,000 nodes.
  function applyStates() {
    const states = model.get("states") || {};
    const durations = model.get("durations") || {};
    const busy = model.get("busy") || "";
    for (const [name, rec] of nodes) {
      let state = states[name] || (rec.role === "input" ? "input" : "idle");
      if (name === busy || name === pending) state = "running";
      if (!STATES.includes(state)) state = "idle";
      if (state !== rec.state) {
        if (rec.state) rec.g.classList.remove(`sf-state-${rec.state}`);
        rec.g.classList.add(`sf-state-${state}`);
        rec.g.dataset.state = state;
        rec.state = state;
      }
      const text = state === "fresh" ? formatDuration(durations[name]) : "";
      if (text !== rec.duration) {
        rec.dur.textContent = text;
        rec.duration = text;
      }
    }
    ui.root.classList.toggle("sf-busy", Boolean(busy || pending));
    ui.root.dataset.busy = busy || pending;
  }

  function applySelection() {
    const shown = visibleNames();
    for (const [name, rec] of nodes) {
      rec.g.classList.toggle("sf-selected", name === selected);
      rec.g.classList.toggle("sf-hidden", Boolean(shown && !shown.has(name)));
    }
    for (const path of ui.edgeLayer.children) {
      const hide = shown && !(shown.has(path.dataset.source) && shown.has(path.dataset.target));
      path.classList.toggle("sf-hidden", Boolean(hide));
    }
    ui.root.dataset.selected = selected;
    ui.root.dataset.focus = shown ? String(shown.size) : "";
  }

  function select(name, { centre = false } = {}) {
    selected = nodes.has(name) ? name : "";
    applySelection();
    if (ui.focus.checked && selected) fit(false);
    else if (centre && selected) centreOn(selected);
  }

  function runSearch(jump) {
    const query = ui.search.value;
    const before = matches[matchAt];
    matches = searchNames(order, query);
    const hit = new Set(matches);
    for (const [name, rec] of nodes) rec.g.classList.toggle("sf-match", hit.has(name));
    matchAt = matches.indexOf(before);
    if (jump && matches.length) {
      matchAt = (matchAt + 1) % matches.length;
      select(matches[matchAt], { centre: true });
      openCard(matches[matchAt]);
    }
    ui.matches.textContent = query.trim()
      ? `${matches.length ? `${Math.max(matchAt, 0) + 1}/` : ""}${matches.length} match${matches.length === 1 ? "" : "es"}`
      : "";
    ui.root.dataset.matches = String(matches.length);
  }

  function drawMessage() {
    const message = model.get("message") || "";
    ui.banner.textContent = message;
    ui.banner.hidden = !message;
  }

  function run(name) {
    if (!nodes.has(name) || model.get("busy") || pending) return; // one run at a time
    select(name);
    pending = name;
    applyStates();
    model.send({ type: "run", node: name });
  }

  // Hover card and plan highlight.
  function openCard(name) {
    const rec = nodes.get(name);
    if (!rec) return;
    hovered = name;
    fillCard(ui.card, name, rec, explained.get(name));
    ui.card.hidden = false;
    placeCard(rec);
    clearTimeout(explainTimer);
    if (!explained.has(name)) {
      explainTimer = setTimeout(() => model.send({ type: "explain", node: name }), EXPLAIN_DELAY);
    } else {
      highlightPlan(explained.get(name));
    }
  }

  // Below the node when there is room, else above it, else beside it; never outside the canvas.
  function placeCard(rec) {
    const canvas = ui.canvas.getBoundingClientRect();
    const at = rec.g.getBoundingClientRect();
    const cw = ui.card.offsetWidth || 280;
    const ch = ui.card.offsetHeight || 120;
    let top = at.bottom - canvas.top + 6;
    if (top + ch > canvas.height) top = at.top - canvas.top - ch - 6;
    let left = at.left - canvas.left;
    if (top < 0) { // no room above or below: beside it
      top = Math.max(0, Math.min(at.top - canvas.top, canvas.height - ch));
      left = at.right - canvas.left + 8;
      if (left + cw > canvas.width) left = at.left - canvas.left - cw - 8;
    }
    left = Math.max(0, Math.min(left, canvas.width - cw));
    ui.card.style.left = `${Math.round(left)}px`;
    ui.card.style.top = `${Math.round(top)}px`;
  }

  function closeCard() {
    hovered = "";
    clearTimeout(explainTimer);
    ui.card.hidden = true;
    highlightPlan(null);
  }

  function highlightPlan(answer) {
    const plan = answer && answer.plan;
    const run = new Set(plan && Array.isArray(plan.run) ? plan.run : []);
    const reuse = new Set(plan && Array.isArray(plan.reuse) ? plan.reuse : []);
    for (const [name, rec] of nodes) {
      rec.g.classList.toggle("sf-will-run", run.has(name));
      rec.g.classList.toggle("sf-will-reuse", reuse.has(name));
    }
    ui.root.dataset.plan = plan ? [...run].join(" ") : "";
  }

  function onCustom(msg) {
    if (!msg || msg.type !== "explain" || typeof msg.node !== "string") return;
    explained.set(msg.node, msg);
    if (msg.node === hovered) {
      const rec = nodes.get(hovered);
      if (rec) fillCard(ui.card, hovered, rec, msg);
      highlightPlan(msg);
    }
  }

  // Pointer: a drag pans (from anywhere, nodes included); a press-release without moving clicks.
  let drag = null;
  let quiet = "";
  const nodeOf = (target) => (target.closest ? target.closest(".sf-node") : null);
  const listeners = {
    pointerdown(e) {
      engaged = true;
      closeCard(); // a click shows its answer in the panel; the card would hide the graph
      if (e.button !== 0) return;
      const g = nodeOf(e.target);
      quiet = g ? g.dataset.node : ""; // no card for it again until the pointer leaves it
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, node: g ? g.dataset.node : "", moved: false };
      if (g && e.pointerType === "touch") { // touch has no hover: a long press shows the card
        const name = g.dataset.node;
        drag.hold = setTimeout(() => { if (drag && !drag.moved) { drag.held = true; openCard(name); } }, LONG_PRESS);
      }
      try {
        ui.svg.setPointerCapture?.(e.pointerId);
      } catch { // a pointer that is already gone (or a synthetic one): pan without capture
      }
    },
    pointermove(e) {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < DRAG_SLOP) return;
      drag.moved = true;
      clearTimeout(drag.hold);
      ui.root.classList.add("sf-panning");
      closeCard();
      follow = false;
      view = { ...view, x: drag.vx + dx, y: drag.vy + dy };
      applyView();
    },
    pointerup() {
      if (!drag) return;
      const { node, moved, held } = drag;
      clearTimeout(drag.hold);
      drag = null;
      ui.root.classList.remove("sf-panning");
      if (!moved && !held && node) run(node); // a long press only shows the card
    },
    pointercancel() {
      drag = null;
      ui.root.classList.remove("sf-panning");
    },
    wheel(e) {
      // The notebook scrolls past the graph; the wheel zooms only with Ctrl/Cmd (a trackpad
      // pinch sends Ctrl) or once the user has pressed inside the graph.
      if (!(e.ctrlKey || e.metaKey || engaged)) return;
      e.preventDefault();
      const rect = ui.svg.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
    },
    mouseleave() { engaged = false; quiet = ""; closeCard(); },
    keydown(e) {
      const g = nodeOf(e.target);
      if (g && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        run(g.dataset.node);
      }
    },
    mouseover: hover,
    mouseout: hover,
    focusin: hover,
    focusout: hover,
  };
  function hover(e) {
    const g = nodeOf(e.target);
    const rec = g && nodes.get(g.dataset.node);
    if (!rec) return;
    const entering = e.type === "mouseover" || e.type === "focusin";
    for (const path of rec.edges) path.classList.toggle("sf-edge-hi", entering);
    // pointer capture during a click sends out/over again: only another node (or leaving the
    // graph) ends the quiet time of the node just clicked
    if (entering && quiet && quiet !== g.dataset.node) quiet = "";
    if (entering && !drag && quiet !== g.dataset.node) openCard(g.dataset.node);
    else if (!entering && hovered === g.dataset.node) closeCard();
  }
  for (const [event, fn] of Object.entries(listeners)) {
    ui.svg.addEventListener(event, fn, event === "wheel" ? { passive: false } : undefined);
  }
  ui.zoomIn.addEventListener("click", () => zoomCentre(1.25));
  ui.zoomOut.addEventListener("click", () => zoomCentre(0.8));
  ui.fit.addEventListener("click", () => { follow = true; fitted = fit(false) || fitted; });
  ui.all.addEventListener("click", () => { follow = true; fitted = fit(false, true) || fitted; });
  ui.tidy.addEventListener("click", () => { follow = true; fitted = false; model.send({ type: "relayout" }); });
  ui.search.addEventListener("input", () => runSearch(false));
  ui.search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); runSearch(true); }
    if (e.key === "Escape") { ui.search.value = ""; runSearch(false); }
  });
  const refocus = () => { applySelection(); if (selected) fit(false); };
  ui.focus.addEventListener("change", refocus);
  ui.hops.addEventListener("input", refocus);

  // A view rendered before it is attached (or while hidden) has no size: fit once it has one.
  const observer = typeof ResizeObserver === "function"
    ? new ResizeObserver(() => { if (!fitted && nodes.size) fitted = fit(true); })
    : null;
  observer?.observe(ui.svg);
  const unhide = hidePicture(el);

  const acknowledge = () => { pending = ""; applyStates(); };
  const statesChanged = () => { // answers are out of date: refresh an open card
    explained.clear();
    acknowledge();
    if (hovered && !ui.card.hidden) openCard(hovered);
  };
  const handlers = {
    "change:graph": drawGraph,
    "change:states": statesChanged,
    "change:durations": applyStates,
    "change:busy": acknowledge,
    "change:preview": () => { drawPreview(ui.panel, model.get("preview") || {}); acknowledge(); },
    "change:message": drawMessage,
    "msg:custom": onCustom,
  };
  for (const [event, fn] of Object.entries(handlers)) model.on(event, fn);

  setHeight(440);
  drawMessage();
  drawPreview(ui.panel, model.get("preview") || {});
  drawGraph();

  return () => {
    for (const [event, fn] of Object.entries(handlers)) model.off(event, fn);
    observer?.disconnect();
    unhide();
    clearTimeout(explainTimer);
  };
}

export default { render };
