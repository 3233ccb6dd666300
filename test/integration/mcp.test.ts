import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestStack } from '../helpers/local-stack.js';

const test = useTestStack();

/** A tool's answer: the JSON the server put in its text content. */
function parsed<T>(result: unknown): T {
  const { content, isError } = result as CallToolResult;
  const first = content[0];
  if (first?.type !== 'text') throw new Error('expected a text answer');
  if (isError === true) throw new Error(first.text);
  return JSON.parse(first.text) as T;
}

describe('taskfleet mcp', () => {
  let client: Client;

  beforeAll(async () => {
    // The real command, over stdio, as an MCP host starts it.
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/taskfleet.mjs', 'mcp'],
      env: { ...(process.env as Record<string, string>), TASKFLEET_URL: test.stack.apiUrl, TASKFLEET_TOKEN: test.stack.token },
      stderr: 'pipe',
    });
    client = new Client({ name: 'taskfleet-test', version: '1.0.0' });
    await client.connect(transport);
  });
  afterAll(async () => client?.close());

  it('lists the tools to hand out work and to be a worker, each with the API’s input schema', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['submit_task', 'submit_job', 'get_task', 'wait_for_task', 'get_job', 'wait_for_job', 'list_tasks', 'cancel_task', 'cancel_job', 'get_stats']),
    );
    expect(names).toEqual(expect.arrayContaining(['register_agent', 'lease_task', 'report_progress', 'complete_task', 'fail_task']));
    const submit = tools.find((t) => t.name === 'submit_task');
    expect(submit?.inputSchema.required).toEqual(['type']);
    expect(Object.keys(submit?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['type', 'payload', 'priority', 'requires', 'idempotencyKey']));
  });

  it('registers an agent that leases a task submitted over HTTP, reports progress and completes it', async () => {
    const agent = parsed<{ id: string; pools: string[] }>(await client.callTool({ name: 'register_agent', arguments: { name: 'mcp-agent', capabilities: ['mcp-skill'] } }));
    expect(agent.pools.length).toBeGreaterThan(0);

    const submitted = await test.api('POST', '/tasks', { type: 'summarize', requires: ['mcp-skill'], payload: { text: 'hello' } });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;

    const { tasks } = { tasks: parsed<{ id: string; leaseToken: string; payload: unknown }[]>(await client.callTool({ name: 'lease_task', arguments: { agentId: agent.id, waitSeconds: 10 } })) };
    expect(tasks.map((t) => t.id)).toEqual([id]);
    const [leased] = tasks;
    expect(leased?.payload).toEqual({ text: 'hello' });

    parsed(await client.callTool({ name: 'report_progress', arguments: { taskId: id, leaseToken: leased?.leaseToken, fraction: 0.5, message: 'halfway' } }));
    expect((await test.api('GET', `/tasks/${id}`)).body.progress).toEqual({ fraction: 0.5, message: 'halfway' });

    const done = parsed<{ status: string }>(await client.callTool({ name: 'complete_task', arguments: { taskId: id, leaseToken: leased?.leaseToken, result: { summary: 'hi' } } }));
    expect(done.status).toBe('COMPLETED');

    const task = await test.api('GET', `/tasks/${id}`);
    expect(task.body).toMatchObject({ status: 'COMPLETED', result: { summary: 'hi' } });
  });

  it('submits and waits for a task, and answers bad input with each wrong field', async () => {
    const submitted = parsed<{ id: string; status: string }>(await client.callTool({ name: 'submit_task', arguments: { type: 'never-run', requires: ['mcp-skill'] } }));
    expect(submitted.status).toBe('PENDING');
    const got = parsed<{ id: string; status: string }>(await client.callTool({ name: 'wait_for_task', arguments: { id: submitted.id, timeoutSeconds: 1 } }));
    expect(got).toMatchObject({ id: submitted.id, status: 'PENDING' });
    const cancelled = parsed<{ status: string }>(await client.callTool({ name: 'cancel_task', arguments: { id: submitted.id } }));
    expect(cancelled.status).toBe('CANCELLED');

    const refused = (await client.callTool({ name: 'get_task', arguments: { id: 'no-such-task' } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain('404');

    const stats = parsed<{ tasks: Record<string, number> }>(await client.callTool({ name: 'get_stats', arguments: {} }));
    // The counters follow the table's stream, a moment behind: their shape is what is certain here.
    expect(Object.keys(stats.tasks)).toEqual(expect.arrayContaining(['PENDING', 'COMPLETED']));
  });
});
