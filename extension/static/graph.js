// sideflow graph widget front end: draws the DAG as SVG, updates node states in place, sends clicks.
// Contract (see widget.py): traitlets graph, states, durations, preview, message, busy, name;
// a click sends {type: "run", node}. Names and data only ever go through textContent.

const SVG = "http://www.w3.org/2000/svg";
const STATES = ["input", "idle", "running", "fresh", "stale", "error", "missing-input"];
const ROLES = ["function", "input", "config", "output", "override"];
const PATH_DATA = /^[MmLlHhVvCcSsQqTtAaZz0-9eE.,+\-\s]+$/;
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 4;
const DRAG_SLOP = 4; // pixels a pointer may move and still count as a click
let viewCount = 0;

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

// The static frame: banner, legend, zoom buttons, SVG canvas and preview panel.
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
  const buttons = h("div", "sf-zoom");
  for (const [key, cls, label, title] of [
    ["zoomOut", "sf-zoom-out", "−", "Zoom out"],
    ["zoomIn", "sf-zoom-in", "+", "Zoom in"],
    ["fit", "sf-fit", "fit", "Fit the whole graph"],
  ]) {
    ui[key] = h("button", cls, label);
    ui[key].type = "button";
    ui[key].title = title;
    buttons.append(ui[key]);
  }
  const toolbar = h("div", "sf-toolbar");
  toolbar.append(legend, buttons);

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
  ui.canvas.append(ui.svg, ui.empty);
  ui.panel = h("div", "sf-preview");
  const body = h("div", "sf-body");
  body.append(ui.canvas, ui.panel);
  ui.root.append(ui.banner, toolbar, body);
  return ui;
}

// One node: <g class="sf-node" data-node data-role data-state> with shape, name, duration, tooltip.
function makeNode(node, name, role, box) {
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
  const title = s("title");
  const tags = Object.entries(node.tags || {}).map(([k, v]) => `${k}=${v}`).join(", ");
  const made = node.origin && `made by ${node.origin}`;
  const lines = [node.signature || name, node.returns && `returns ${node.returns}`, node.doc,
    node.location, made, tags && `tags: ${tags}`];
  title.textContent = lines.filter(Boolean).join("\n");
  const label = s("text", { class: "sf-label", y: -2 });
  label.textContent = name;
  const dur = s("text", { class: "sf-duration", y: ht / 2 - 5 });
  g.append(title, shape, label, dur);
  return { g, dur };
}

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
    const copy = h("button", "sf-copy", "copy");
    copy.type = "button";
    copy.title = "Copy the expression that returns this value";
    copy.addEventListener("click", () => copyText(code, copy));
    row.append(code, copy);
    panel.append(row);
  }
  const content = h("div", "sf-preview-body");
  content.innerHTML = p.html || ""; // the only markup inserted: built and sanitized by preview.py
  panel.append(content);
}

function copyText(code, button) {
  const done = () => {
    button.textContent = "copied";
    setTimeout(() => { button.textContent = "copy"; }, 1200);
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

// render() keeps the view's state (nodes, pan/zoom, pending click) in one closure; the pieces
// it draws are built by the functions above.
function render({ model, el }) {
  const uid = `sf${++viewCount}-${Math.random().toString(36).slice(2, 8)}`;
  const ui = buildChrome(uid);
  el.append(ui.root);
  let nodes = new Map(); // name -> {g, dur, role, state, duration, edges}
  let view = { x: 0, y: 0, k: 1 };
  let size = { width: 0, height: 0 };
  let fitted = false;
  let engaged = false; // pressed inside the graph since the pointer last left it
  let follow = true; // refit when the graph changes, until the user pans or zooms ("fit" resumes)
  let pending = ""; // the node clicked but not yet acknowledged (shown as running at once)

  function applyView() {
    ui.viewport.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
  }

  function fit(adaptHeight) {
    let rect = ui.svg.getBoundingClientRect();
    if (!rect.width || !rect.height) return false;
    const gw = size.width || 1;
    const gh = size.height || 1;
    if (adaptHeight) { // first sight: a flat graph gets a short canvas, a tall one at most 480px
      const k = Math.min(1.25, (0.95 * rect.width) / gw);
      ui.canvas.style.height = `${Math.round(Math.max(160, Math.min(480, gh * k + 24)))}px`;
      rect = ui.svg.getBoundingClientRect();
    }
    const k = Math.max(MIN_ZOOM, Math.min(1.25, (0.95 * rect.width) / gw, (0.95 * rect.height) / gh));
    view = { k, x: (rect.width - gw * k) / 2, y: (rect.height - gh * k) / 2 };
    applyView();
    return true;
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

  // Full redraw: only when the graph itself changes. Pan and zoom are kept, unless the graph
  // grew or shrank while the view still follows it (no pan or zoom since the last fit).
  function drawGraph() {
    const graph = model.get("graph") || {};
    const before = size;
    size = { width: Number(graph.width) || 0, height: Number(graph.height) || 0 };
    // A node added or removed changes the graph's size: show all of it again.
    if (follow && (size.width !== before.width || size.height !== before.height)) fitted = false;
    nodes = new Map();
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
      const { g, dur } = makeNode(node, name, role, box);
      nodeFrag.append(g);
      nodes.set(name, { g, dur, role, state: "", duration: "", edges: [] });
    }
    const edgeFrag = document.createDocumentFragment();
    for (const edge of Array.isArray(graph.edges) ? graph.edges : []) {
      const d = edgePath(edge, boxes, graph.rankdir);
      if (!d) continue;
      const path = s("path", { class: "sf-edge", d, "marker-end": `url(#${uid}-arrow)` });
      path.dataset.source = String(edge.source);
      path.dataset.target = String(edge.target);
      edgeFrag.append(path);
      for (const end of [edge.source, edge.target]) nodes.get(String(end))?.edges.push(path);
    }
    ui.edgeLayer.replaceChildren(edgeFrag);
    ui.nodeLayer.replaceChildren(nodeFrag);
    ui.empty.hidden = nodes.size > 0;
    if (!fitted && nodes.size) fitted = fit(true);
    applyStates();
  }

  // State changes touch only classes, data-state and duration text: cheap for 1,000 nodes.
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

  function drawMessage() {
    const message = model.get("message") || "";
    ui.banner.textContent = message;
    ui.banner.hidden = !message;
  }

  function run(name) {
    if (!nodes.has(name) || model.get("busy") || pending) return; // one run at a time
    pending = name;
    applyStates();
    model.send({ type: "run", node: name });
  }

  // Pointer: a drag pans (from anywhere, nodes included); a press-release without moving clicks.
  let drag = null;
  const nodeOf = (target) => (target.closest ? target.closest(".sf-node") : null);
  const listeners = {
    pointerdown(e) {
      engaged = true;
      if (e.button !== 0) return;
      const g = nodeOf(e.target);
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, node: g ? g.dataset.node : "", moved: false };
      ui.svg.setPointerCapture?.(e.pointerId);
    },
    pointermove(e) {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < DRAG_SLOP) return;
      drag.moved = true;
      ui.root.classList.add("sf-panning");
      follow = false;
      view = { ...view, x: drag.vx + dx, y: drag.vy + dy };
      applyView();
    },
    pointerup() {
      if (!drag) return;
      const { node, moved } = drag;
      drag = null;
      ui.root.classList.remove("sf-panning");
      if (!moved && node) run(node);
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
    mouseleave() { engaged = false; },
    keydown(e) {
      const g = nodeOf(e.target);
      if (g && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        run(g.dataset.node);
      }
    },
    mouseover: hover,
    mouseout: hover,
  };
  function hover(e) {
    const g = nodeOf(e.target);
    const rec = g && nodes.get(g.dataset.node);
    if (!rec) return;
    for (const path of rec.edges) path.classList.toggle("sf-edge-hi", e.type === "mouseover");
  }
  for (const [event, fn] of Object.entries(listeners)) {
    ui.svg.addEventListener(event, fn, event === "wheel" ? { passive: false } : undefined);
  }
  ui.zoomIn.addEventListener("click", () => zoomCentre(1.25));
  ui.zoomOut.addEventListener("click", () => zoomCentre(0.8));
  ui.fit.addEventListener("click", () => { follow = true; fitted = fit(false) || fitted; });

  // A view rendered before it is attached (or while hidden) has no size: fit once it has one.
  const observer = typeof ResizeObserver === "function"
    ? new ResizeObserver(() => { if (!fitted && nodes.size) fitted = fit(true); })
    : null;
  observer?.observe(ui.svg);

  const acknowledge = () => { pending = ""; applyStates(); };
  const handlers = {
    "change:graph": drawGraph,
    "change:states": acknowledge,
    "change:durations": applyStates,
    "change:busy": acknowledge,
    "change:preview": () => { drawPreview(ui.panel, model.get("preview") || {}); acknowledge(); },
    "change:message": drawMessage,
  };
  for (const [event, fn] of Object.entries(handlers)) model.on(event, fn);

  drawMessage();
  drawPreview(ui.panel, model.get("preview") || {});
  drawGraph();

  return () => {
    for (const [event, fn] of Object.entries(handlers)) model.off(event, fn);
    observer?.disconnect();
  };
}

export default { render };
