/**
 * The flow as a picture: steps as boxes laid out top-down by their BFS depth from the start step,
 * arrows for every link (next, branches, fallback, else, onError). Steps nothing reaches go on a last
 * row, so they stand out as dead ends to fix. Links that go back up are drawn as curves on the side.
 */
import { useTranslation } from 'react-i18next';
import type { FlowStep } from '../api/flows.ts';
import { linksOf } from '../flow-steps.ts';

const W = 150;
const H = 40;
const GAP_X = 20;
const GAP_Y = 36;

/** Every step id a step links to: next, branch targets, fallback, else, onError. */
function targetsOf(step: FlowStep): string[] {
  const direct = ['fallback', 'else', 'onError']
    .map((k) => step[k])
    .filter((v): v is string => typeof v === 'string');
  return [...new Set([...linksOf(step), ...direct])];
}

export function FlowGraph({ steps, start }: { steps: readonly FlowStep[]; start?: string }) {
  const { t } = useTranslation();
  if (steps.length === 0) return null;
  const byId = new Map(steps.map((s) => [s.id, s]));
  const depth = new Map<string, number>();
  const first = start && byId.has(start) ? start : steps[0]!.id;
  const queue = [first];
  depth.set(first, 0);
  while (queue.length) {
    const id = queue.shift()!;
    for (const to of targetsOf(byId.get(id)!))
      if (byId.has(to) && !depth.has(to)) {
        depth.set(to, depth.get(id)! + 1);
        queue.push(to);
      }
  }
  const maxDepth = Math.max(...depth.values());
  for (const s of steps) if (!depth.has(s.id)) depth.set(s.id, maxDepth + 1);
  const rows = new Map<number, string[]>();
  for (const s of steps) rows.set(depth.get(s.id)!, [...(rows.get(depth.get(s.id)!) ?? []), s.id]);
  const widest = Math.max(...[...rows.values()].map((r) => r.length));
  const width = widest * (W + GAP_X) + GAP_X + 30;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [d, ids] of rows) {
    const rowWidth = ids.length * (W + GAP_X) - GAP_X;
    ids.forEach((id, i) => {
      pos.set(id, { x: (width - 30 - rowWidth) / 2 + i * (W + GAP_X), y: 10 + d * (H + GAP_Y) });
    });
  }
  const height = 20 + (Math.max(...rows.keys()) + 1) * (H + GAP_Y) - GAP_Y;
  const edges = steps.flatMap((s) =>
    targetsOf(s)
      .filter((to) => byId.has(to))
      .map((to) => [s.id, to] as const),
  );
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={t('flowForm.graph')}
      data-testid="flow-graph"
      style={{ maxHeight: 520 }}
    >
      <defs>
        <marker
          id="flow-arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#868e96" />
        </marker>
      </defs>
      {edges.map(([from, to]) => {
        const a = pos.get(from)!;
        const b = pos.get(to)!;
        const down = b.y > a.y;
        const d = down
          ? `M${a.x + W / 2},${a.y + H} L${b.x + W / 2},${b.y}`
          : // Back or sideways link: a curve out to the right of both boxes.
            `M${a.x + W},${a.y + H / 2} C${Math.max(a.x, b.x) + W + 30},${a.y + H / 2} ${Math.max(a.x, b.x) + W + 30},${b.y + H / 2} ${b.x + W},${b.y + H / 2}`;
        return (
          <path
            key={`${from}->${to}`}
            d={d}
            fill="none"
            stroke="#868e96"
            strokeWidth={1.5}
            markerEnd="url(#flow-arrow)"
          />
        );
      })}
      {steps.map((s) => {
        const p = pos.get(s.id)!;
        const reached = depth.get(s.id)! <= maxDepth;
        return (
          <g key={s.id}>
            <rect
              x={p.x}
              y={p.y}
              width={W}
              height={H}
              rx={6}
              fill={reached ? '#edf2ff' : '#fff5f5'}
              stroke={reached ? '#4c6ef5' : '#fa5252'}
            />
            <text x={p.x + 8} y={p.y + 16} fontSize={12} fontWeight={600} fill="#212529">
              {s.id.length > 20 ? `${s.id.slice(0, 19)}…` : s.id}
            </text>
            <text x={p.x + 8} y={p.y + 31} fontSize={10} fill="#495057">
              {t(`flowForm.type.${s.type}`, { defaultValue: s.type })}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
