import { Command, InvalidArgumentError } from 'commander';
import type { TaskfleetClient } from '../sdk/client.js';

/** `taskfleet limits …`: set, list and remove rate limits per task type. */
export function limitsCommand(client: () => TaskfleetClient, print: (value: unknown) => void): Command {
  const limits = new Command('limits').description('rate limits per task type: set, list, rm (excess tasks wait, never fail)');
  limits
    .command('set')
    .description('at most <limit> tasks of <type> start per <per>')
    .argument('<type>', 'the task type')
    .argument('<limit>', 'starts per interval', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
      return n;
    })
    .argument('<per>', 'the interval: 500ms, 1s, 10m, 1h or 1d')
    .addHelpText('after', '\nExample:\n  taskfleet limits set send-email 10 1s')
    .action(async (type: string, limit: number, per: string) => print(await client().limits.set(type, limit, per)));
  limits
    .command('list')
    .description('each limit and its use now')
    .option('--json', 'as JSON')
    .action(async (o: { json?: boolean }) => {
      const items = await client().limits.list();
      if (o.json === true) return print(items);
      if (items.length === 0) return console.log('no rate limits');
      console.log('type                           limit  per    used  next');
      for (const l of items) console.log(`${l.type.padEnd(30)} ${String(l.limit).padStart(5)}  ${l.per.padEnd(5)} ${String(l.used).padStart(5)}  ${l.nextAt ?? ''}`);
    });
  limits
    .command('rm')
    .description('remove the limit of <type>')
    .argument('<type>')
    .action(async (type: string) => {
      await client().limits.remove(type);
      console.log(`removed the rate limit of ${type}`);
    });
  return limits;
}
