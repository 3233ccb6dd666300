import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { TaskfleetError, TaskfleetApiError } from '../sdk/errors.js';
import type { TaskfleetClient } from '../sdk/client.js';
import type { Json, SubmitJob, SubmitTask } from '../sdk/types.js';
import { jobSchema } from '../shared/domain/job.js';
import { taskInputSchema } from '../shared/domain/task-input.js';
import { registration, leaseRequest } from '../shared/services/agents.js';
import { completeBody, failBody, progressBody } from '../shared/services/lease-calls.js';
import { listTasksQuery } from '../shared/services/read-tasks.js';

/**
 * `taskfleet mcp`: the API as tools of a Model Context Protocol server, so an AI
 * agent can hand out work (submit, wait, list, cancel, stats) and be a worker of
 * the fleet (register, lease, progress, complete, fail). Each tool's input is the
 * API's own zod schema (the one the server validates with); each call goes
 * through the TypeScript SDK's client, so retries and errors are the SDK's.
 */

const id = z.string().min(1).max(256);
const taskId = { taskId: id.describe('The task id.') };
const waitFor = z.number().int().min(1).max(3600).default(60).describe('How long to wait, in seconds, before answering with the task as it is.');

/** The tool's answer: the API's JSON, pretty-printed (what a model reads best). */
function answer(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value ?? { ok: true }, null, 2) }] };
}

/** An API error as a tool error the model can act on: status, code, and each wrong field. */
async function call(run: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return answer(await run());
  } catch (error) {
    if (!(error instanceof TaskfleetError)) throw error;
    const fields = error instanceof TaskfleetApiError && error.fields.length > 0 ? `\n${error.fields.map((f) => `- ${f.field}: ${f.message}`).join('\n')}` : '';
    return { isError: true, content: [{ type: 'text', text: `${error.message}${fields}` }] };
  }
}

/** The server, its tools bound to `client`; connect it to a transport (stdio for `taskfleet mcp`). */
export function createMcpServer(client: TaskfleetClient, version: string): McpServer {
  const server = new McpServer({ name: 'taskfleet', version });
  const tool = <S extends z.ZodObject>(name: string, description: string, inputSchema: S, run: (input: z.output<S>) => Promise<unknown>, readOnly = false): void => {
    server.registerTool(name, { description, inputSchema, annotations: { readOnlyHint: readOnly } }, ((input: z.output<S>) => call(() => run(input))) as never);
  };

  // ── handing out work ───────────────────────────────────────────────
  tool('submit_task', 'Submit a task (POST /tasks): a type, a JSON payload, a priority, the capabilities it requires. Answers its id, status and pool.', taskInputSchema, (input) =>
    client.tasks.submit(input as unknown as SubmitTask),
  );
  tool('submit_job', 'Submit a job (POST /jobs): one task of `map.type` per item, then an optional reduce over their results and a next stage.', jobSchema, (input) =>
    client.jobs.submit(input as unknown as SubmitJob),
  );
  tool('get_task', 'A task by id (GET /tasks/{id}): status, progress, result or error.', z.object({ id, include: z.enum(['payload', 'result', 'payload,result']).optional() }), ({ id: task, include }) =>
    client.tasks.get(task, include !== undefined ? { include } : {}),
  true);
  tool('wait_for_task', 'Wait until a task finishes (COMPLETED, FAILED, CANCELLED or EXPIRED), or the wait runs out; answers the task.', z.object({ id, timeoutSeconds: waitFor }), ({ id: task, timeoutSeconds }) =>
    client.tasks.get(task).then((found) => (finished(found.status) ? found : client.tasks.wait(task, { timeoutMs: timeoutSeconds * 1000 }).catch((error: unknown) => orCurrent(error, () => client.tasks.get(task))))),
  true);
  tool('get_job', 'A job by id (GET /jobs/{id}): counts, progress, stages and result.', z.object({ id }), ({ id: job }) => client.jobs.get(job), true);
  tool('wait_for_job', 'Wait until a job finishes, or the wait runs out; answers the job.', z.object({ id, timeoutSeconds: waitFor }), ({ id: job, timeoutSeconds }) =>
    client.jobs.wait(job, { timeoutMs: timeoutSeconds * 1000 }).catch((error: unknown) => orCurrent(error, () => client.jobs.get(job))),
  true);
  // The pool is any name here: the server checks it against its own pools.
  tool('list_tasks', "List the tenant's tasks (GET /tasks), newest first, filtered by status, pool or type.", listTasksQuery([{ name: 'default' }]).extend({ pool: z.string().min(1).max(128).optional() }), (query) =>
    client.tasks.list(query as Parameters<TaskfleetClient['tasks']['list']>[0]),
  true);
  tool('cancel_task', 'Cancel a task that has not finished (DELETE /tasks/{id}).', z.object({ id }), ({ id: task }) => client.tasks.cancel(task));
  tool('cancel_job', 'Cancel a job and its pending tasks (DELETE /jobs/{id}).', z.object({ id }), ({ id: job }) => client.jobs.cancel(job));
  tool('get_stats', "The tenant's figures (GET /stats): tasks by status, agents online, recent throughput and queue times.", z.object({}), () => client.stats(), true);

  // ── being a worker ─────────────────────────────────────────────────
  tool('register_agent', 'Register as an agent (POST /workers) with the capabilities (skills) it offers and how many tasks it runs at once. Answers its id: pass it as agentId to lease_task.', registration, (agent) =>
    client.agents.register(agent),
  );
  tool(
    'lease_task',
    'Lease the next task that fits this agent’s capabilities (POST /workers/{id}/lease), waiting up to waitSeconds. Answers the tasks leased, each with the leaseToken its progress, complete and fail calls need (none when nothing fits).',
    leaseRequest.extend({ agentId: id.describe('The id register_agent answered.') }),
    ({ agentId, ...request }) => client.agents.lease(agentId, request),
  );
  tool('report_progress', 'Report progress on a leased task (POST /tasks/{id}/progress): a fraction 0…1 and a message.', progressBody.extend(taskId), ({ taskId: task, leaseToken, fraction, message }) =>
    client.leases.progress(task, leaseToken, fraction, message),
  );
  tool('complete_task', 'Complete a leased task with its result (POST /tasks/{id}/complete).', completeBody.extend(taskId), ({ taskId: task, leaseToken, result }) =>
    client.leases.complete(task, leaseToken, result as Json),
  );
  tool('fail_task', 'Fail a leased task with an error (POST /tasks/{id}/fail): retried while attempts remain unless retryable is false; `release` hands it back unrun.', failBody.extend(taskId), ({ taskId: task, leaseToken, error, retryable, release }) =>
    client.leases.fail(task, leaseToken, error, { retryable, release }),
  );
  return server;
}

const finished = (status: string): boolean => status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED' || status === 'EXPIRED';

/** A wait that ran out answers what is there now; any other error stays one. */
async function orCurrent<T>(error: unknown, current: () => Promise<T>): Promise<T> {
  if (error instanceof TaskfleetError && error.code === 'wait_timeout') return current();
  throw error;
}
