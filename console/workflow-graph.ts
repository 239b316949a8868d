/**
 * The workflow as a picture: the ASL definition's states and transitions (Next, Default,
 * Choices, Catch) laid out top to bottom, rendered as SVG with the path an execution took
 * highlighted. Pure: definition and path in, SVG text out.
 */
import { escapeXml } from './svg.js';

/** A state as a box. */
export interface GraphNode {
  readonly id: string;
  readonly type: string;
  readonly layer: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}
/** A transition. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'next' | 'choice' | 'default' | 'catch';
  readonly label?: string;
}
/** A laid-out graph. */
export interface WorkflowGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly width: number;
  readonly height: number;
}

const NODE_W = 150;
const NODE_H = 34;
const GAP_X = 28;
const GAP_Y = 30;
const MARGIN = 20;

function choiceLabel(rule: Record<string, any>): string {
  const op = Object.keys(rule).find((k) => k !== 'Variable' && k !== 'Next');
  const variable = String(rule.Variable ?? '').replace(/^\$\./, '');
  if (!op) return '';
  const value = rule[op];
  return `${variable.split('.').pop()}=${typeof value === 'object' ? '…' : String(value)}`.slice(
    0,
    28,
  );
}

/** The transitions of a definition's top-level states. */
export function workflowEdges(states: Record<string, any>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const [id, s] of Object.entries(states)) {
    if (s.Next) edges.push({ from: id, to: s.Next, kind: 'next' });
    for (const c of s.Choices ?? [])
      if (c.Next) edges.push({ from: id, to: c.Next, kind: 'choice', label: choiceLabel(c) });
    if (s.Default) edges.push({ from: id, to: s.Default, kind: 'default', label: 'default' });
    for (const c of s.Catch ?? [])
      if (c.Next) edges.push({ from: id, to: c.Next, kind: 'catch', label: 'catch' });
  }
  return edges.filter((e) => e.to in states);
}

/** Lays the states out in layers (longest path from StartAt, back edges ignored). */
export function layoutWorkflow(definition: {
  StartAt: string;
  States: Record<string, any>;
}): WorkflowGraph {
  const states = definition.States;
  const edges = workflowEdges(states);
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  // Depth-first from the start marks back edges (cycles from retries or polling loops).
  const back = new Set<string>();
  const colour = new Map<string, 1 | 2>();
  const order: string[] = [];
  const visit = (n: string) => {
    colour.set(n, 1);
    for (const m of out.get(n) ?? []) {
      if (colour.get(m) === 1) back.add(`${n}\u0000${m}`);
      else if (!colour.has(m)) visit(m);
    }
    colour.set(n, 2);
    order.push(n);
  };
  visit(definition.StartAt);
  for (const id of Object.keys(states)) if (!colour.has(id)) visit(id);
  const layer = new Map<string, number>();
  for (const n of order.reverse()) {
    if (!layer.has(n)) layer.set(n, 0);
    for (const m of out.get(n) ?? []) {
      if (back.has(`${n}\u0000${m}`)) continue;
      layer.set(m, Math.max(layer.get(m) ?? 0, layer.get(n)! + 1));
    }
  }
  const rows = new Map<number, string[]>();
  for (const id of Object.keys(states))
    rows.set(layer.get(id) ?? 0, [...(rows.get(layer.get(id) ?? 0) ?? []), id]);
  const widest = Math.max(...[...rows.values()].map((r) => r.length));
  const width = MARGIN * 2 + widest * NODE_W + (widest - 1) * GAP_X;
  const nodes: GraphNode[] = [];
  for (const [l, ids] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    const rowWidth = ids.length * NODE_W + (ids.length - 1) * GAP_X;
    for (const [i, id] of ids.entries())
      nodes.push({
        id,
        type: String(states[id].Type),
        layer: l,
        x: (width - rowWidth) / 2 + i * (NODE_W + GAP_X),
        y: MARGIN + l * (NODE_H + GAP_Y),
        w: NODE_W,
        h: NODE_H,
      });
  }
  const height =
    MARGIN * 2 + (Math.max(...nodes.map((n) => n.layer)) + 1) * (NODE_H + GAP_Y) - GAP_Y;
  return { nodes, edges, width, height };
}

/** Renders the graph as SVG; `path` is the ordered list of states the execution entered. */
export function renderWorkflowSvg(
  definition: { StartAt: string; States: Record<string, any> },
  path: readonly string[] = [],
  options: { failedStates?: readonly string[] } = {},
): string {
  const g = layoutWorkflow(definition);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const visited = new Set(path);
  const taken = new Set<string>();
  for (let i = 1; i < path.length; i++) taken.add(`${path[i - 1]}\u0000${path[i]}`);
  const failed = new Set(options.failedStates ?? []);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="workflow-graph" viewBox="0 0 ${g.width} ${g.height}" width="${g.width}" height="${g.height}" role="img" aria-label="workflow graph">`,
  );
  parts.push(
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a94a6"/></marker><marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f8a4c"/></marker></defs>',
  );
  for (const e of g.edges) {
    const a = byId.get(e.from)!;
    const b = byId.get(e.to)!;
    const isTaken = taken.has(`${e.from}\u0000${e.to}`);
    const x1 = a.x + a.w / 2;
    const y1 = a.y + a.h;
    const x2 = b.x + b.w / 2;
    const y2 = b.y;
    let d: string;
    if (b.layer > a.layer) d = `M${x1},${y1} C${x1},${y1 + 24} ${x2},${y2 - 24} ${x2},${y2}`;
    else {
      // Upward or sideways (a loop): route around the right of both boxes.
      const side = Math.max(a.x + a.w, b.x + b.w) + 14;
      d = `M${a.x + a.w},${a.y + a.h / 2} C${side},${a.y + a.h / 2} ${side},${b.y + b.h / 2} ${b.x + b.w},${b.y + b.h / 2}`;
    }
    const cls = `edge edge-${e.kind}${isTaken ? ' taken' : ''}`;
    parts.push(
      `<path class="${cls}" d="${d}" fill="none" stroke="${isTaken ? '#1f8a4c' : e.kind === 'catch' ? '#d08770' : '#b6bdc9'}" stroke-width="${isTaken ? 2.6 : 1.2}"${e.kind === 'catch' ? ' stroke-dasharray="4 3"' : ''} marker-end="url(#${isTaken ? 'arrow-taken' : 'arrow'})"><title>${escapeXml(`${e.from} → ${e.to}${e.label ? ` (${e.label})` : ''}`)}</title></path>`,
    );
    if (e.label && e.kind === 'choice') {
      parts.push(
        `<text class="edge-label" x="${(x1 + x2) / 2 + 4}" y="${(y1 + y2) / 2}" font-size="9" fill="${isTaken ? '#1f8a4c' : '#6b7385'}">${escapeXml(e.label)}</text>`,
      );
    }
  }
  for (const n of g.nodes) {
    const isVisited = visited.has(n.id);
    const isFailed = failed.has(n.id);
    const fill = isFailed ? '#f8d7d3' : isVisited ? '#d7f0df' : '#f4f6f9';
    const stroke = isFailed ? '#c0392b' : isVisited ? '#1f8a4c' : '#c5cbd6';
    const rx = n.type === 'Choice' ? 17 : n.type === 'Succeed' || n.type === 'Fail' ? 17 : 5;
    const order = path.indexOf(n.id);
    parts.push(
      `<g class="node node-${escapeXml(n.type.toLowerCase())}${isVisited ? ' visited' : ''}${isFailed ? ' failed' : ''}" data-state="${escapeXml(n.id)}">`,
    );
    parts.push(
      `<rect x="${n.x}" y="${n.y}" width="${n.w}" height="${n.h}" rx="${rx}" fill="${fill}" stroke="${stroke}" stroke-width="${isVisited ? 2 : 1}"/>`,
    );
    parts.push(
      `<text x="${n.x + n.w / 2}" y="${n.y + 15}" text-anchor="middle" font-size="12" font-weight="${isVisited ? 600 : 400}" fill="#1d2433">${escapeXml(n.id.length > 22 ? `${n.id.slice(0, 21)}…` : n.id)}</text>`,
    );
    parts.push(
      `<text x="${n.x + n.w / 2}" y="${n.y + 28}" text-anchor="middle" font-size="9" fill="#6b7385">${escapeXml(n.type)}${order >= 0 ? ` · #${order + 1}` : ''}</text>`,
    );
    parts.push(`<title>${escapeXml(n.id)} (${escapeXml(n.type)})</title></g>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
