import { describe, expect, it } from 'vitest';
import { counterDifferences, countEvents, countFaultRun, passed, summaryLine, timedOutAttempts, type AgentRecord, type FinalView } from '../../bench/fault-accounting.js';

const view = (id: string, status: string, attempts = 1, pool = 'general', type = 'echo'): FinalView => ({ id, type, pool, status, attempts, maxAttempts: 3 });
const agent = (pid: number, leased: string[], finished: string[], died: boolean): AgentRecord => ({ pid, leased: new Set(leased), finished: new Set(finished), died });
const options = { plannedFailures: new Set(['fail']), agentPools: new Set(['shell']), restarts: 1 };

describe('the fault run accounting', () => {
  it('passes when every accepted task finished and every re-run has a cause', () => {
    const views = new Map<string, FinalView | undefined>([
      ['a', view('a', 'COMPLETED')],
      ['b', view('b', 'FAILED', 2, 'general', 'fail')],
      ['c', view('c', 'COMPLETED', 2, 'shell')],
      ['d', view('d', 'COMPLETED', 2)],
      ['e', view('e', 'COMPLETED', 2, 'shell')],
    ]);
    const agents = [agent(1, ['c'], [], true), agent(2, ['c', 'e'], ['c', 'e'], false)];
    const counts = countFaultRun(['a', 'b', 'c', 'd', 'e'], views, agents, options);
    expect(counts.ranTwice).toEqual([
      { id: 'c', attempts: 2, agents: 2, explainedBy: 'killed agent' },
      { id: 'd', attempts: 2, agents: 0, explainedBy: 'restart' },
      { id: 'e', attempts: 2, agents: 1, explainedBy: 'lost lease answer' },
    ]);
    expect(passed(counts)).toBe(true);
    expect(summaryLine(counts)).toBe('accepted 5 = 4 completed + 1 failed + 0 cancelled + 0 expired; lost 0; stuck 0; ran twice 3 (all after a killed agent, restart or timeout)');
  });

  it('fails on a lost task, a stuck task, or a re-run nothing explains', () => {
    const views = new Map<string, FinalView | undefined>([
      ['a', undefined],
      ['b', view('b', 'ACTIVE')],
      ['c', view('c', 'COMPLETED', 2, 'shell')],
      ['d', view('d', 'COMPLETED', 3)],
    ]);
    const agents = [agent(1, ['c'], [], false), agent(2, ['c'], ['c'], false)];
    const counts = countFaultRun(['a', 'b', 'c', 'd'], views, agents, { ...options, restarts: 0 });
    expect(counts.lost).toEqual(['a']);
    expect(counts.stuck).toEqual(['b']);
    expect(counts.ranTwice.map((r) => [r.id, r.explainedBy])).toEqual([['c', undefined], ['d', undefined]]);
    expect(passed(counts)).toBe(false);
    expect(summaryLine(counts)).toContain('lost 1; stuck 1; ran twice 2 (2 NOT explained');
  });
});

describe('a re-run after a timeout', () => {
  const retrying = (task: string, attempts: number, message: string) => ({ id: `${task}:${attempts}:retrying`, type: 'task.retrying', task: { id: task, attempts, error: { message } } });

  it('counts each attempt the log shows timing out, once', () => {
    const logged = [retrying('a', 1, 'timed out after 55 s'), retrying('a', 1, 'timed out after 55 s'), retrying('b', 1, 'boom'), retrying('c', 1, 'timed out after 55 s'), retrying('c', 2, 'timed out after 55 s')];
    expect(timedOutAttempts(logged)).toEqual(new Map([['a', 1], ['c', 2]]));
  });

  it('explains a Lambda task’s extra attempts by its timeouts, then by the restarts', () => {
    const views = new Map<string, FinalView | undefined>([
      ['a', view('a', 'COMPLETED', 2)],
      ['b', view('b', 'COMPLETED', 3)],
      ['c', view('c', 'COMPLETED', 3)],
    ]);
    const timedOut = new Map([['a', 1], ['b', 1]]);
    const counts = countFaultRun(['a', 'b', 'c'], views, [], { ...options, timedOut });
    expect(counts.ranTwice.map((r) => [r.id, r.explainedBy])).toEqual([['a', 'timeout'], ['b', 'restart'], ['c', undefined]]);
  });
});

describe('what the stream derived, against where the tasks ended', () => {
  const views = new Map<string, FinalView | undefined>([
    ['a', view('a', 'COMPLETED')],
    ['b', view('b', 'FAILED')],
  ]);
  const event = (task: string, type: string, id = `${task}:1:${type}`) => ({ id, type, task: { id: task } });

  it('expects a creation and the ending events of each task, once', () => {
    const logged = [event('a', 'task.created'), event('a', 'task.started'), event('a', 'task.completed'), event('b', 'task.created'), event('b', 'task.failed'), event('b', 'task.failed')];
    expect(countEvents(views, logged)).toEqual({ expected: 5, delivered: 4, missing: ['b task.dead_lettered'], duplicated: ['b task.failed'] });
  });

  it('compares /stats with the tasks’ own statuses', () => {
    expect(counterDifferences(views, { COMPLETED: 1, FAILED: 1, PENDING: 0 })).toEqual({});
    expect(counterDifferences(views, { COMPLETED: 0, FAILED: 1 })).toEqual({ COMPLETED: { expected: 1, shown: 0 } });
  });
});
