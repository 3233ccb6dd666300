import { spawn } from 'node:child_process';
import type { Json } from '../shared/domain/task.js';
import type { TaskHandler } from '../shared/handlers.js';

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
