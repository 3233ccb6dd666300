import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { longNamedPools } from './long-named-pools.js';

/**
 * CloudWatch's quotas on what the stack's monitoring asks for, which no emulator
 * checks and CloudFormation only meets at deploy: PutDashboard refuses a body over
 * them, and PutMetricAlarm a metric-math alarm over 10 metrics.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html
 */
const LIMITS = { widgetsPerDashboard: 500, metricsPerWidget: 500, metricsPerDashboard: 2_500, metricsPerMathAlarm: 10 } as const;

/**
 * The most pools a stack deploys: 24 on Lambda or 48 on agents (CloudFormation's 500
 * resources per template stop it first, and CDK refuses to synthesize past them; see
 * stack-limits.test.ts). The dashboard draws a line per pool × priority, whatever the pool runs on.
 */
const LAMBDA_POOLS = 24;
const AGENT_POOLS = 48;

type Resource = { Type: string; Properties?: Record<string, unknown> };
interface Widget {
  readonly type: string;
  readonly properties: { readonly metrics?: readonly unknown[] };
}

/** Every resource of every template (root and nested) of the app synthesized for `pools` pools. */
function resources(pools: number, runsOn?: (i: number) => 'lambda' | 'agents'): Resource[] {
  const { app } = buildApp({ skipBundling: true, nag: false, stackProps: { topology: longNamedPools(pools, runsOn) } });
  const assembly = app.synth();
  return readdirSync(assembly.directory)
    .filter((file) => file.endsWith('.template.json'))
    .flatMap((file) => Object.values((JSON.parse(readFileSync(join(assembly.directory, file), 'utf8')) as { Resources?: Record<string, Resource> }).Resources ?? {}));
}

/** A dashboard body is an Fn::Join of text and references: references become a placeholder string, then it parses as JSON. */
function dashboardWidgets(body: unknown): Widget[] {
  const text =
    typeof body === 'string'
      ? body
      : ((body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] ?? []).map((part) => (typeof part === 'string' ? part : 'ref')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** A widget's `metrics` rows: each row is one line on the graph (a metric, or an expression with its options). */
const metricCount = (widget: Widget): number => widget.properties.metrics?.length ?? 0;

describe('CloudWatch limits on the monitoring', () => {
  it.each([
    [`${LAMBDA_POOLS} pools, all on Lambda`, LAMBDA_POOLS, 'lambda'],
    [`${AGENT_POOLS} pools, all on agents`, AGENT_POOLS, 'agents'],
  ] as const)('%s: the dashboard stays within the widget and metric quotas', (_label, pools, kind) => {
    const dashboards = resources(pools, () => kind).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const widgets = dashboardWidgets(dashboards[0]?.Properties?.DashboardBody);
    const counts = widgets.map(metricCount);
    const largest = Math.max(...counts);
    const total = counts.reduce((a, b) => a + b, 0);
    console.log(`${_label}: ${widgets.length} widgets, largest ${largest} metrics, total ${total}`);
    // Not vacuous: the per-pool graphs grow with the pools (4 priorities each).
    expect(largest).toBeGreaterThanOrEqual(pools * 4);
    expect(widgets.length).toBeLessThanOrEqual(LIMITS.widgetsPerDashboard);
    expect(largest).toBeLessThanOrEqual(LIMITS.metricsPerWidget);
    expect(total).toBeLessThanOrEqual(LIMITS.metricsPerDashboard);
  });

  it(`every alarm of ${LAMBDA_POOLS} Lambda pools watches one metric, or a metric-math expression of at most ${LIMITS.metricsPerMathAlarm}`, () => {
    const alarms = resources(LAMBDA_POOLS, () => 'lambda').filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(LAMBDA_POOLS * 4);
    for (const alarm of alarms) {
      const metrics = alarm.Properties?.Metrics as unknown[] | undefined;
      if (metrics === undefined) expect(alarm.Properties?.MetricName).toBeTypeOf('string');
      else expect(metrics.length).toBeLessThanOrEqual(LIMITS.metricsPerMathAlarm + 1);
    }
  });
});
