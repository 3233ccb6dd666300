import { describe, expect, it } from 'vitest';
import { countInversions, idleAgentTasks, inWorkloadTime, type ServerTask } from '../../bench/agents/live-judge.js';
import type { AgentSpec, Workload } from '../../bench/agents/workload.js';
import { measure } from '../../bench/agents/metrics.js';
import { DEFAULT_SCHEDULING_CONFIG } from '../../shared/domain/scheduling/config.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const s = (seconds: number): number => t0 + seconds * 1000;
const agent = (id: string, gpu: number): AgentSpec => ({
  id,
  capabilities: ['cuda'],
  capacity: { slots: gpu, cpu: gpu * 8, gpu, memoryMb: gpu * 64_000 },
  weight: 1,
  labels: {},
  class: `gpu${gpu}`,
});
const task = (id: string, over: Partial<ServerTask>): ServerTask => ({
  id,
  priority: 'normal',
  requires: ['cuda'],
  resources: { gpu: 1 },
  createdAt: s(0),
  ...over,
});
const config = DEFAULT_SCHEDULING_CONFIG;
const four = agent('a', 4);

describe('live run: priority inversions judged on the server records', () => {
  it('counts a start while a better priority that fitted the agent was waiting', () => {
    const tasks = [task('low', { priority: 'low', startedAt: s(10), agent: 'a' }), task('high', { priority: 'high', startedAt: s(20), agent: 'a' })];
    expect(countInversions(tasks, [{ agent: 'a', tasks: ['low'] }, { agent: 'a', tasks: ['high'] }], [four], config)).toBe(1);
  });

  it('does not count a rival the server could not have seen yet (created within the grace of the decision)', () => {
    const tasks = [task('low', { priority: 'low', startedAt: s(10), agent: 'a' }), task('high', { priority: 'high', createdAt: s(9.9), startedAt: s(20), agent: 'a' })];
    expect(countInversions(tasks, [{ agent: 'a', tasks: ['low'] }], [four], config)).toBe(0);
  });

  it('ages on the server clock: a low task waiting past its max wait ranks with normal work', () => {
    const tasks = [task('low', { priority: 'low', createdAt: s(0), startedAt: s(400), agent: 'a' }), task('normal', { createdAt: s(390), startedAt: s(500), agent: 'a' })];
    expect(countInversions(tasks, [{ agent: 'a', tasks: ['low'] }], [four], config)).toBe(0);
  });

  it('judges against the room the agent had: a rival that needed a run finishing just then is no inversion', () => {
    const tasks = [
      task('running', { resources: { gpu: 3 }, startedAt: s(0), finishedAt: s(9.9), agent: 'a' }),
      task('low', { priority: 'low', startedAt: s(10), agent: 'a' }),
      task('high', { priority: 'high', resources: { gpu: 2 }, startedAt: s(30), agent: 'a' }),
    ];
    expect(countInversions(tasks, [{ agent: 'a', tasks: ['low'] }], [four], config)).toBe(0);
  });

  it('takes what one call claimed earlier: the second claim of a call sees the room the first left', () => {
    const tasks = [
      task('first', { priority: 'high', resources: { gpu: 3 }, startedAt: s(10), agent: 'a' }),
      task('second', { priority: 'low', startedAt: s(10.05), agent: 'a' }),
      task('rival', { resources: { gpu: 2 }, startedAt: s(60), agent: 'a' }),
    ];
    expect(countInversions(tasks, [{ agent: 'a', tasks: ['first', 'second'] }], [four], config)).toBe(0);
    expect(countInversions(tasks, [{ agent: 'a', tasks: ['second'] }], [four], config)).toBe(0);
    expect(countInversions(tasks.slice(1), [{ agent: 'a', tasks: ['second'] }], [four], config)).toBe(1);
  });
});

describe('live run: which tasks an idle agent could take at once', () => {
  it('keeps a task that arrived to an agent with room and nothing else waiting for it', () => {
    expect([...idleAgentTasks([task('x', { createdAt: s(5), startedAt: s(5.05), agent: 'a' })], [four])]).toEqual(['x']);
  });

  it('drops a task that arrived while other work the agent could run waited', () => {
    const tasks = [task('w', { resources: { gpu: 4 }, createdAt: s(0), startedAt: s(50), agent: 'a' }), task('x', { createdAt: s(5), startedAt: s(60), agent: 'a' }), task('busy', { resources: { gpu: 1 }, startedAt: s(0), finishedAt: s(49), agent: 'a' })];
    expect(idleAgentTasks(tasks, [four]).has('x')).toBe(false);
  });

  it('drops a task submitted in one batch with others the agent could run (one createdAt: they queue for the same room)', () => {
    const tasks = [task('x', { createdAt: s(5), startedAt: s(9), agent: 'a' }), task('y', { createdAt: s(5), startedAt: s(5.05), agent: 'a' })];
    expect(idleAgentTasks(tasks, [four]).size).toBe(0);
  });

  it('drops a task whose room a later task took first', () => {
    const tasks = [task('x', { createdAt: s(5), startedAt: s(30), agent: 'a' }), task('later', { priority: 'high', resources: { gpu: 4 }, createdAt: s(6), startedAt: s(6.1), agent: 'a' })];
    expect(idleAgentTasks(tasks, [four]).has('x')).toBe(false);
  });
});

describe('live run: in workload time', () => {
  it('places tasks from claim to completion and takes arrivals and deadlines as the server had them', () => {
    const workload: Workload = {
      name: 'gpu',
      agents: [four],
      dimension: 'gpu',
      tasks: [{ id: 'x', arrival: 1, priority: 'normal', requires: ['cuda'], resources: { gpu: 1 }, work: 10, deadline: 100 }],
    };
    const server = task('x', { createdAt: s(0.3), startedAt: s(0.5), finishedAt: s(2.5), agent: 'a', deadline: new Date(s(20)).toISOString() });
    const { workload: asRun, placements } = inWorkloadTime(workload, [server], t0, 0.2);
    expect(asRun.tasks[0]?.arrival).toBeCloseTo(1.5);
    expect(asRun.tasks[0]?.deadline).toBeCloseTo(100);
    expect(placements.get('x')).toMatchObject({ task: 'x', agent: 'a' });
    expect(placements.get('x')?.start).toBeCloseTo(2.5);
    expect(placements.get('x')?.end).toBeCloseTo(12.5);
  });

  it('counts an expired task as backlog until its deadline, not for the rest of the run', () => {
    const spec = (id: string, gpu: number, work: number): Workload['tasks'][number] => ({ id, arrival: 0, priority: 'normal', requires: ['cuda'], resources: { gpu }, work });
    const workload: Workload = { name: 'gpu', agents: [four], dimension: 'gpu', tasks: [spec('short', 3, 10), spec('long', 1, 100), { ...spec('gone', 8, 10), deadline: 10 }] };
    // Time × 1 on the four GPUs: `short` (3) runs 0–10 s, `long` (1) 0–100 s; `gone` fits no agent and expires at 10 s.
    const tasks = [
      task('short', { resources: { gpu: 3 }, startedAt: s(0), finishedAt: s(10), agent: 'a' }),
      task('long', { startedAt: s(0), finishedAt: s(100), agent: 'a' }),
      task('gone', { resources: { gpu: 8 }, deadline: new Date(s(10)).toISOString(), endedUnrun: s(10.4) }),
    ];
    const run = inWorkloadTime(workload, tasks, t0, 1);
    expect(run.leftUnrun).toEqual(new Map([['gone', 10]]));
    // A backlog for its first 10 s only, every GPU busy; counted on to 100 s: (4 × 10 + 1 × 90) / (4 × 100).
    expect(measure(run.workload, run.placements, 0, run.leftUnrun).utilisation).toBeCloseTo(1);
    expect(measure(run.workload, run.placements, 0).utilisation).toBeCloseTo(0.325);
    // A record from before `endedUnrun` was kept: the deadline alone says when it left.
    const { endedUnrun: _ended, ...older } = tasks[2] as ServerTask;
    expect(inWorkloadTime(workload, [...tasks.slice(0, 2), older], t0, 1).leftUnrun).toEqual(new Map([['gone', 10]]));
  });
});
