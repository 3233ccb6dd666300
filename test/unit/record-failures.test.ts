import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SqsTaskQueue } from '../../shared/adapters/sqs/sqs-task-queue.js';
import { KeepMessage, loggingRecordFailures, parseTaskRecord } from '../../shared/adapters/sqs/task-records.js';

const record = (body: string): SQSRecord =>
  ({ messageId: 'm-1', body, eventSourceARN: 'arn:aws:sqs:eu-west-1:1:Taskfleet-general-high', receiptHandle: 'r' }) as SQSRecord;

function recordingLogger() {
  const lines: { level: string; message: string; details: Record<string, unknown> }[] = [];
  return {
    lines,
    error: (message: string, details: Record<string, unknown>) => lines.push({ level: 'error', message, details }),
    debug: (message: string, details: Record<string, unknown>) => lines.push({ level: 'debug', message, details }),
  };
}

describe('worker record failures', () => {
  it('logs a failing record with its task id, tenant and error, and rethrows so the message stays', async () => {
    const logger = recordingLogger();
    const denied = Object.assign(new Error('not authorized to perform: sqs:SendMessage'), { name: 'AccessDenied' });
    const onRecord = loggingRecordFailures(logger, async () => {
      throw denied;
    });
    await expect(onRecord(record(JSON.stringify({ taskId: 't-1', tenant: 'acme' })))).rejects.toBe(denied);
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'error', details: expect.objectContaining({ taskId: 't-1', tenant: 'acme', messageId: 'm-1', error: denied }) }),
    ]);
  });

  it('logs a body that is not a task message, with its message id', async () => {
    const logger = recordingLogger();
    const onRecord = loggingRecordFailures(logger, async () => undefined);
    await expect(onRecord(record('{"nope":1}'))).rejects.toThrow(/not a task message/);
    expect(logger.lines[0]).toMatchObject({ level: 'error', details: { messageId: 'm-1', taskId: undefined } });
  });

  it('keeps a message for a retry without logging an error', async () => {
    const logger = recordingLogger();
    const onRecord = loggingRecordFailures(logger, async () => {
      throw new KeepMessage('backoff 4 s');
    });
    await expect(onRecord(record(JSON.stringify({ taskId: 't-1', tenant: 'acme' })))).rejects.toBeInstanceOf(KeepMessage);
    expect(logger.lines.map((l) => l.level)).toEqual(['debug']);
  });

  it('passes a record that succeeds, logging nothing', async () => {
    const logger = recordingLogger();
    const seen: string[] = [];
    await loggingRecordFailures(logger, async ({ taskId }) => void seen.push(taskId))(record(JSON.stringify({ taskId: 't-2', tenant: 'acme' })));
    expect(seen).toEqual(['t-2']);
    expect(logger.lines).toEqual([]);
  });
});

describe('a task message at the edge', () => {
  it('carries a reserved rate token through, and drops a malformed one rather than the message', () => {
    const token = { at: 1_700_000_000_000, attempt: 1, limit: 10, perMs: 1000 };
    expect(parseTaskRecord(record(JSON.stringify({ taskId: 't-1', tenant: 'acme', sentAt: 'x', token })))).toEqual({ taskId: 't-1', tenant: 'acme', sentAt: 'x', token });
    for (const bad of [{ ...token, attempt: 0 }, { ...token, limit: 'ten' }, { at: 1 }, 'soon', null]) {
      expect(parseTaskRecord(record(JSON.stringify({ taskId: 't-1', tenant: 'acme', token: bad })))).toEqual({ taskId: 't-1', tenant: 'acme' });
    }
  });

  it('is sent with its token in the body', async () => {
    const bodies: string[] = [];
    const sqs = { send: async (command: { input: { Entries: { MessageBody: string }[] } }) => (bodies.push(...command.input.Entries.map((e) => e.MessageBody)), {}) } as unknown as SQSClient;
    const token = { at: 5, attempt: 2, limit: 1, perMs: 1000 };
    await new SqsTaskQueue(sqs, { 'general:high': 'https://q/general-high' }).enqueue([{ id: 't-1', tenant: 'acme', pool: 'general', priority: 'high', delaySeconds: 3, token }]);
    expect(JSON.parse(bodies[0]!)).toMatchObject({ taskId: 't-1', tenant: 'acme', token });
  });
});

describe('SqsTaskQueue', () => {
  it('logs a send that throws, and reports every task of it as not sent', async () => {
    const warnings: { message: string; details: Record<string, unknown> }[] = [];
    const failing = { send: async () => Promise.reject(Object.assign(new Error('AccessDenied'), { name: 'AccessDenied' })) } as unknown as SQSClient;
    const queue = new SqsTaskQueue(failing, { 'general:high': 'https://q/general-high' }, (message, details) => warnings.push({ message, details }));
    const entry = { id: 't-1', tenant: 'acme', pool: 'general', priority: 'high', delaySeconds: 0 } as never;
    const { failed } = await queue.enqueue([entry]);
    expect(failed.map((f) => f.taskId)).toEqual(['t-1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.details).toMatchObject({ taskIds: ['t-1'], tenants: ['acme'], error: { name: 'AccessDenied' } });
  });
});
