import { describe, expect, it } from 'vitest';
import { oneOf, resources } from '../../cli/arguments.js';
import { counted } from '../../cli/words.js';
import { summarizeJob } from '../../cli/job.js';
import { colourOn, paintStatus } from '../../cli/style.js';
import { describeWorkerEvent } from '../../cli/work.js';
import type { JobView } from '../../sdk/types.js';

const tty = { isTTY: true } as NodeJS.WriteStream;

describe('the taskfleet command’s output', () => {
  it('colours only a terminal, and never with NO_COLOR or TERM=dumb', () => {
    expect(colourOn(tty, {})).toBe(true);
    expect(colourOn(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourOn(tty, { TERM: 'dumb' })).toBe(false);
    expect(colourOn({ isTTY: false } as NodeJS.WriteStream, {})).toBe(false);
    expect(paintStatus('FAILED', 'FAILED', true)).not.toBe(paintStatus('PENDING', 'FAILED', true));
    expect(paintStatus('FAILED', 'FAILED', false)).toBe('FAILED');
  });

  it('reads enum values in any case, returning the API’s spelling', () => {
    expect(oneOf(['PENDING', 'FAILED'] as const)('failed')).toBe('FAILED');
    expect(oneOf(['high', 'low'] as const)('HIGH')).toBe('high');
    expect(() => oneOf(['high', 'low'] as const)('urgent')).toThrow('must be one of high, low');
  });

  it('summarises a job of many children in a few lines', () => {
    const job: JobView = {
      id: 'j1',
      status: 'COMPLETED',
      total: 500,
      completed: 498,
      failed: 2,
      cancelled: 0,
      progress: 1,
      stages: [{ name: 'map', type: 'count-words', status: 'DONE' }, { name: 'reduce', type: 'merge-counts', status: 'COMPLETED', taskId: 'r1' }],
      result: { words: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`w${i}`, i])) },
      createdAt: '2026-11-23T00:00:00Z',
    };
    const text = summarizeJob(job, false);
    expect(text.split('\n')).toHaveLength(5);
    expect(text).toContain('children  500: 498 completed, 2 failed, 0 cancelled');
    expect(text).toContain('--json for all');
  });

  it('puts a counted noun in the right number', () => {
    expect(counted(1, 'attempt')).toBe('1 attempt');
    expect(counted(3, 'attempt')).toBe('3 attempts');
    expect(counted(0, 'attempt')).toBe('0 attempts');
    expect(counted(1, 'child', 'children')).toBe('1 child');
    expect(counted(2, 'child', 'children')).toBe('2 children');
  });

  it('reads --resources as name=value pairs or JSON, naming what is wrong', () => {
    expect(resources('gpu=2, memoryMb=4096')).toEqual({ gpu: 2, memoryMb: 4096 });
    expect(resources('cpu=0.5,MEMORYMB=128')).toEqual({ cpu: 0.5, memoryMb: 128 });
    expect(resources('{"gpu": 1}')).toEqual({ gpu: 1 });
    expect(() => resources('disk=3')).toThrow('name=value pairs of cpu, gpu, memoryMb');
    expect(() => resources('gpu=many')).toThrow('gpu must be a number');
    expect(() => resources('gpu')).toThrow('gpu must be a number');
  });

  it('says which signal stopped a worker', () => {
    expect(describeWorkerEvent({ kind: 'stopped', signal: 'SIGINT' }, [], '00:00:00').line).toBe('00:00:00 stopped (SIGINT)');
    expect(describeWorkerEvent({ kind: 'stopped' }, [], '00:00:00').line).toBe('00:00:00 stopped');
  });

  it('warns on stderr when the server says no pool could send the agent work', () => {
    expect(describeWorkerEvent({ kind: 'registered', workerId: 'w1', pools: [] }, ['gpux'], '00:00:00').warning).toContain('no agent pool runs tasks that need only [gpux]');
    expect(describeWorkerEvent({ kind: 'registered', workerId: 'w1', pools: ['gpu'] }, ['gpu'], '00:00:00').warning).toBeUndefined();
    expect(describeWorkerEvent({ kind: 'registered', workerId: 'w1' }, ['gpu'], '00:00:00').warning).toBeUndefined();
  });
});
