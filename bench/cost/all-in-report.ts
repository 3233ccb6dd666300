/** Prints the all-in table beside the DynamoDB + SQS one, the idle agent's month, and a worked monthly bill (issue #27). */
import type { Topology } from '../../shared/topology/topology.js';
import { ALL_IN_PRICES, fixedMonthly, PLATFORM_LOG_BYTES, type AllInFigures } from './all-in.js';
import type { IdleAgentFigures } from './idle-agent.js';

/** The worked bill: 10 M tasks a month, half on Lambda workers, half on agents, 20 agents idle half the time. */
const BILL = { tasksPerMonth: 10_000_000, lambdaShare: 0.5, agents: 20, idleShare: 0.5 } as const;

export function printAllIn(rows: readonly { name: string; tenant: string; figures: AllInFigures }[], idle: IdleAgentFigures | undefined, topology: Topology): void {
  const f2 = (v: number): string => v.toFixed(2);
  const usd = (v: number): string => `$${f2(v)}`;
  const header = ['scenario', 'API req', 'Lambda inv', 'GB-s', 'log B', 'DynamoDB+SQS', 'events', 'API GW', 'Lambda', 'logs', 'S3', 'all-in $/M'];
  const table = rows.map(({ name, figures: f }) => [
    name,
    f2(f.apiRequestsPerTask),
    f2(f.invocationsPerTask),
    f.gbSecondsPerTask.toFixed(4),
    String(Math.round(f.logBytesPerTask)),
    usd(f.dollars.dynamoSqs),
    usd(f.dollars.events),
    usd(f.dollars.apiGateway),
    usd(f.dollars.lambda),
    usd(f.dollars.logs),
    usd(f.dollars.s3),
    usd(f.dollars.total),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log('\ntaskfleet all-in cost per task — everything a deployed stack bills per call, per task (issue #27)');
  console.log(
    `  prices: ${ALL_IN_PRICES.asOf}: HTTP API $1.00/M requests; Lambda arm64 $0.20/M + $${ALL_IN_PRICES.lambdaGbSecond}/GB-s; ` +
      `CloudWatch Logs $${ALL_IN_PRICES.logIngestGb}/GB ingested; S3 $0.005/1k PUT, $0.0004/1k GET, $${ALL_IN_PRICES.s3GbMonth}/GB-month`,
  );
  console.log(line(header));
  for (const row of table) console.log(line(row));
  for (const { name, figures: f } of rows) {
    const top = f.byFunction.slice(0, 4).map((b) => `${b.name} ${f2(b.perTask)} × ${b.meanMs.toFixed(1)} ms`).join(', ');
    console.log(`    ${name.padEnd(22)} invocations per task: ${top}`);
  }
  console.log(
    `  GB-s: each invocation's handler time as the local runtime timed it (a loaded machine: an upper bound), rounded up to the ms, at the deployed memory;` +
      ` logs: the handlers' JSON lines counted + ${PLATFORM_LOG_BYTES} B of Lambda's START/END/REPORT per invocation (the stream consumer's too).`,
  );
  const batch = rows.find((r) => r.tenant === 'cost-batch')?.figures.dollars.total;
  const agent = rows.find((r) => r.tenant === 'cost-agent')?.figures.dollars.total;
  if (batch !== undefined && agent !== undefined) console.log(`  agent ÷ Lambda (batch submit): ${f2(agent / batch)} × (target ≤ 2 ×)`);

  if (idle !== undefined) {
    const m = idle.monthly;
    console.log(
      `\n  one idle agent (SDK Worker defaults), measured over ${idle.windowSeconds.toFixed(0)} s: ${idle.apiRequests} API requests, ${idle.invocations} invocations, ` +
        `${idle.gbSeconds.toFixed(3)} GB-s, ${f2(idle.readUnits)} RU, ${f2(idle.writeUnits)} WU, ${idle.logBytes} log B`,
    );
    console.log(
      `    per month: ${usd(m.total)} (API Gateway ${usd(m.apiGateway)}, Lambda ${usd(m.lambda)}, DynamoDB ${usd(m.dynamodb)}, logs ${usd(m.logs)}); target ≤ $1.00 ${m.total <= 1 ? 'met' : 'MISSED'}`,
    );
    console.log(`    calls: ${idle.calls}`);
  }

  const fixed = fixedMonthly(topology);
  console.log(`\n  fixed per month: ${usd(fixed.dollars)} (${fixed.lines.join('; ')})`);
  if (batch === undefined || agent === undefined) return;
  const lambdaTasks = BILL.tasksPerMonth * BILL.lambdaShare;
  const agentTasks = BILL.tasksPerMonth - lambdaTasks;
  const lambdaBill = (lambdaTasks / 1e6) * batch;
  const agentBill = (agentTasks / 1e6) * agent;
  const idleBill = idle === undefined ? 0 : BILL.agents * BILL.idleShare * idle.monthly.total;
  console.log(`  a month of ${BILL.tasksPerMonth / 1e6} M tasks (half Lambda batch-submitted, half agent-leased; ${BILL.agents} agents idle half the time):`);
  console.log(`    ${lambdaTasks / 1e6} M Lambda tasks × ${usd(batch)}/M = ${usd(lambdaBill)}`);
  console.log(`    ${agentTasks / 1e6} M agent tasks × ${usd(agent)}/M = ${usd(agentBill)}`);
  if (idle !== undefined) console.log(`    ${BILL.agents} agents × ${BILL.idleShare} idle × ${usd(idle.monthly.total)}/month = ${usd(idleBill)}`);
  console.log(`    fixed ${usd(fixed.dollars)}`);
  console.log(`    total ${usd(lambdaBill + agentBill + idleBill + fixed.dollars)} a month`);
}
