import type { Metrics } from './metrics.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const compliance = (m: Metrics): number => (m.deadlines.feasible === 0 ? 1 : m.deadlines.met / m.deadlines.feasible);

export interface Row {
  readonly metric: string;
  readonly policy: string;
  readonly reference: string;
  readonly target: string;
  readonly ok?: boolean;
}

/** The rows the issue sets targets for, policy next to the reference. */
export function rows(policy: Metrics, reference: Metrics): Row[] {
  return [
    { metric: 'utilisation while a backlog exists', policy: pct(policy.utilisation), reference: pct(reference.utilisation), target: '≥ 90 % and ≥ reference', ok: policy.utilisation >= 0.9 && policy.utilisation >= reference.utilisation - 1e-9 },
    { metric: 'load CV across equal agents (worst class)', policy: policy.loadCv.toFixed(3), reference: reference.loadCv.toFixed(3), target: '< 0.10', ok: policy.loadCv < 0.1 },
    { metric: 'priority inversions beyond aging', policy: String(policy.inversions), reference: String(reference.inversions), target: '0', ok: policy.inversions === 0 },
    {
      metric: 'deadlines met where feasible',
      policy: `${pct(compliance(policy))} (${policy.deadlines.met}/${policy.deadlines.feasible})`,
      reference: `${pct(compliance(reference))} (${reference.deadlines.met}/${reference.deadlines.feasible})`,
      target: '≥ 98 %',
      ok: compliance(policy) >= 0.98,
    },
    { metric: 'stranded', policy: String(policy.stranded), reference: String(reference.stranded), target: '0', ok: policy.stranded === 0 },
    { metric: 'overcommits', policy: String(policy.overcommits), reference: String(reference.overcommits), target: '0', ok: policy.overcommits === 0 },
    { metric: 'completed', policy: String(policy.completed), reference: String(reference.completed), target: 'all' },
    { metric: 'longest queue time (s)', policy: policy.longestWait.toFixed(0), reference: reference.longestWait.toFixed(0), target: '' },
    { metric: 'makespan (s)', policy: policy.makespan.toFixed(0), reference: reference.makespan.toFixed(0), target: '' },
    ...(['critical', 'high', 'normal', 'low'] as const).map((p) => ({
      metric: `queue time p50, ${p} (s)`,
      policy: (policy.queueP50[p] ?? 0).toFixed(1),
      reference: (reference.queueP50[p] ?? 0).toFixed(1),
      target: '',
    })),
  ];
}

/** A plain-text table: columns padded to their widest cell. */
export function table(headers: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n');
}

export function printRows(title: string, list: readonly Row[]): void {
  console.log(`\n${title}`);
  console.log(table(['metric', 'policy', 'reference', 'target', ''], list.map((r) => [r.metric, r.policy, r.reference, r.target, r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED'])));
}
