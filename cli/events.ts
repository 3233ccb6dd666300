import { Command } from 'commander';
import { matchesEventType, type EventType, type TaskfleetEvent } from '../shared/domain/events.js';
import { counted } from './words.js';

/** How often `--follow` asks for more: each ask is a few small reads of the event log. */
const FOLLOW_EVERY_MS = 2_000;

interface Connection {
  readonly url: string;
  readonly token: string;
}

async function page(connection: Connection, after: string | undefined): Promise<{ items: TaskfleetEvent[]; next: string }> {
  const query = new URLSearchParams({ limit: '500', ...(after !== undefined ? { after } : {}) });
  const response = await fetch(`${connection.url.replace(/\/$/, '')}/events?${query}`, { headers: { authorization: `Bearer ${connection.token}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /events answered ${response.status}: ${text}`);
  return JSON.parse(text) as { items: TaskfleetEvent[]; next: string };
}

/** One line per event: time, type, the task or job, and what matters about it. */
export function describeEvent(event: TaskfleetEvent): string {
  const subject = event.task ?? event.job;
  const details: string[] = [];
  if (event.task !== undefined) {
    const t = event.task;
    details.push(`${t.type} ${t.pool}/${t.priority} attempt ${t.attempts}/${t.maxAttempts}`);
    if (t.queueTimeMs !== undefined) details.push(`queued ${t.queueTimeMs} ms`);
    if (t.runTimeMs !== undefined) details.push(`ran ${t.runTimeMs} ms`);
    if (t.error !== undefined) details.push(`error: ${t.error.message}`);
  }
  if (event.job !== undefined) details.push(counted(event.job.total, 'child', 'children'));
  return `${event.at}  ${event.type.padEnd(18)}  ${subject?.id ?? '?'}  ${details.join(', ')}`;
}

/** `taskfleet events [--follow]`: the tenant's recent events (the last minute), and with --follow every new one. */
export function eventsCommand(connection: () => Connection): Command {
  return new Command('events')
    .description('your tenant’s recent task and job events; --follow streams new ones')
    .option('-f, --follow', 'keep printing new events until interrupted')
    .option('-t, --type <patterns>', 'only these types, comma-separated (task.completed, job.*, ...)', (v: string) => v.split(',').filter(Boolean))
    .option('--json', 'one JSON object per line')
    .action(async (o: { follow?: boolean; type?: string[]; json?: boolean }) => {
      const conn = connection();
      const wanted = (e: TaskfleetEvent): boolean => o.type === undefined || matchesEventType(o.type, e.type as EventType);
      let after: string | undefined;
      for (;;) {
        const { items, next } = await page(conn, after);
        for (const event of items.filter(wanted)) console.log(o.json === true ? JSON.stringify(event) : describeEvent(event));
        after = next;
        if (o.follow !== true) return;
        if (items.length < 500) await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
      }
    });
}
