import { spawn } from 'node:child_process';
import type { TaskHandler } from '../shared/handlers.js';
import type { Json } from '../sdk/types.js';
import type { WorkerEvent } from '../sdk/worker.js';

/**
 * A handler that runs `command` once per task: the task as JSON on stdin and in
 * TASKFLEET_TASK; stdout (parsed as JSON when it is JSON) is the result; exit 0
 * completes the task, anything else fails it with the end of stderr.
 */
export function commandHandler(command: readonly string[]): TaskHandler {
  const [program, ...args] = command;
  if (program === undefined) throw new Error('no command to run: put it after --');
  return (payload, ctx) =>
    new Promise<Json>((resolve, reject) => {
      const task = JSON.stringify({ ...ctx.task, payload, attempt: ctx.attempt });
      const child = spawn(program, args, { env: { ...process.env, TASKFLEET_TASK: task }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.on('error', () => undefined); // a command that does not read stdin
      child.stdin.end(task);
      const onAbort = (): void => void child.kill('SIGTERM');
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error) => reject(new Error(`could not run ${program}: ${error.message}`)));
      child.on('close', (code, signal) => {
        ctx.signal.removeEventListener('abort', onAbort);
        if (code === 0) return resolve(parseOutput(stdout));
        const why = signal !== null ? `killed by ${signal}` : `exited with ${code}`;
        reject(new Error(`${program} ${why}${stderr.trim() ? `: ${stderr.trim().slice(-4000)}` : ''}`));
      });
    });
}

function parseOutput(stdout: string): Json {
  const text = stdout.trim();
  if (text === '') return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/**
 * One log line per worker event, and a warning for stderr when the server says
 * no agent pool would ever send this agent a task (`pools: []` in the answer to
 * POST /workers; servers that do not report pools get no warning).
 */
export function describeWorkerEvent(event: WorkerEvent, capabilities: readonly string[], at: string = new Date().toISOString().slice(11, 19)): { line: string; warning?: string } {
  switch (event.kind) {
    case 'registered': {
      const line = `${at} registered as worker ${event.workerId}; waiting for tasks (Ctrl-C to stop)`;
      if (event.pools === undefined || event.pools.length > 0) return { line };
      return {
        line,
        warning: `warning: no agent pool runs tasks that need only [${capabilities.join(', ')}]: this agent will never get work. Check --capabilities against the pools (README: pools and capabilities).`,
      };
    }
    case 'leased':
      return { line: `${at} ${event.task.id} ${event.task.type} leased (attempt ${event.task.attempt})` };
    case 'completed':
      return { line: `${at} ${event.task.id} completed` };
    case 'failed':
      return { line: `${at} ${event.task.id} failed: ${event.error}` };
    case 'released':
      return { line: `${at} ${event.task.id} handed back (shutting down)` };
    case 'lease-lost':
      return { line: `${at} ${event.task.id} lease lost; its result is discarded` };
    case 'circuit-open':
      return { line: `${at} ${event.retryAfterSeconds} s pause: too many failures in a row` };
    case 'error':
      return { line: `${at} error: ${event.error}` };
    case 'stopped':
      return { line: `${at} stopped${event.signal !== undefined ? ` (${event.signal})` : ''}` };
  }
}
