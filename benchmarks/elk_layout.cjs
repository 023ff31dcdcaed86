// ELK layered for benchmarks/layout_stability.py: reads {before, after} graphs ([names, edges])
// on stdin, lays out `before`, then `after` seeded with before's positions (interactive
// strategies), and prints node centres and the second layout's time. Needs elkjs installed.
const ELK = require("elkjs/lib/elk.bundled.js");

const HEIGHT = 40;
const width = (name) => Math.max(60, 7.2 * name.length + 24);
const options = {
  "elk.algorithm": "layered", "elk.direction": "DOWN", "elk.spacing.nodeNode": "18",
  "elk.layered.spacing.nodeNodeBetweenLayers": "36",
  "elk.layered.layering.strategy": "INTERACTIVE",
  "elk.layered.crossingMinimization.strategy": "INTERACTIVE",
  "elk.layered.cycleBreaking.strategy": "INTERACTIVE",
};

function graph([names, edges], seeds) {
  return {
    id: "root", layoutOptions: options,
    children: names.map((id) => ({ id, width: width(id), height: HEIGHT, ...(seeds && seeds[id] ? seeds[id] : {}) })),
    edges: edges.map(([s, t], i) => ({ id: `e${i}`, sources: [s], targets: [t] })),
  };
}

const centres = (laid) => Object.fromEntries(laid.children.map((c) => [c.id, [c.x + c.width / 2, c.y + c.height / 2]]));

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  const { before, after } = JSON.parse(input);
  const elk = new ELK();
  const first = await elk.layout(graph(before));
  const seeds = Object.fromEntries(first.children.map((c) => [c.id, { x: c.x, y: c.y }]));
  const start = Date.now();
  const second = await elk.layout(graph(after, seeds));
  process.stdout.write(JSON.stringify({ before: centres(first), after: centres(second), after_ms: Date.now() - start }));
});
