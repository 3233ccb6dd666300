import { Command, InvalidArgumentError, Option } from 'commander';
import { CATCH_UP_POLICIES, OVERLAP_POLICIES, type CatchUpPolicy, type OverlapPolicy } from '../shared/domain/schedule.js';
import { PRIORITIES, type Priority } from '../shared/domain/priority.js';
import type { Json } from '../shared/domain/task.js';
import { TaskfleetSchedules, type AddSchedule } from '../sdk/schedules.js';

/** `taskfleet schedule …`: add, list, remove, pause and resume schedules. */
export function scheduleCommand(connection: () => { url: string; token: string }, print: (value: unknown) => void): Command {
  const schedules = (): TaskfleetSchedules => new TaskfleetSchedules(connection());
  const schedule = new Command('schedule').description('recurring tasks on a cron expression or an interval: add, list, rm, pause, resume');

  schedule
    .command('add')
    .description('add a schedule; prints it with its id and nextRunAt')
    .argument('<type>', 'the task type each run submits')
    .option('--cron <expression>', 'five fields (six with seconds), e.g. "0 9 * * 1-5"')
    .option('--every <interval>', 'e.g. 30s, 5m, 1h, 1d (at least 1s)')
    .option('--timezone <iana>', 'the cron’s timezone, e.g. Europe/Paris (default UTC)')
    .option('-p, --payload <json>', 'payload of every run (JSON)', parseJson)
    .addOption(new Option('--priority <priority>', 'priority of every run').choices(PRIORITIES))
    .option('-r, --requires <capabilities>', 'comma-separated', (v: string) => v.split(',').filter(Boolean))
    .addOption(new Option('--overlap <policy>', 'while the previous run is PENDING or ACTIVE (default allow)').choices(OVERLAP_POLICIES))
    .addOption(new Option('--catch-up <policy>', 'due times missed during downtime (default latest)').choices(CATCH_UP_POLICIES))
    .option('--start-at <iso>', 'no run before this time')
    .option('--end-at <iso>', 'no run after this time')
    .option('--paused', 'create it paused')
    .addHelpText('after', `
Examples:
  taskfleet schedule add report --cron "0 9 * * 1-5" --timezone Europe/Paris --overlap skip
  taskfleet schedule add echo --every 30s --payload '{"ping": true}'`)
    .action(async (type: string, o: Record<string, unknown>) => {
      const input: AddSchedule = {
        ...(o.cron !== undefined ? { cron: o.cron as string } : {}),
        ...(o.every !== undefined ? { every: o.every as string } : {}),
        ...(o.timezone !== undefined ? { timezone: o.timezone as string } : {}),
        task: {
          type,
          ...(o.payload !== undefined ? { payload: o.payload as Json } : {}),
          ...(o.priority !== undefined ? { priority: o.priority as Priority } : {}),
          ...(o.requires !== undefined ? { requires: o.requires as string[] } : {}),
        },
        ...(o.overlap !== undefined ? { overlap: o.overlap as OverlapPolicy } : {}),
        ...(o.catchUp !== undefined ? { catchUp: o.catchUp as CatchUpPolicy } : {}),
        ...(o.startAt !== undefined ? { startAt: o.startAt as string } : {}),
        ...(o.endAt !== undefined ? { endAt: o.endAt as string } : {}),
        ...(o.paused === true ? { paused: true } : {}),
      };
      print(await schedules().add(input));
    });

  schedule
    .command('list')
    .description('the tenant’s schedules: id, when, task type, status, next run')
    .option('--json', 'print the whole schedules as JSON')
    .action(async (o: { json?: boolean }) => {
      const items = await schedules().list();
      if (o.json === true) return print(items);
      if (items.length === 0) return console.log('no schedules');
      for (const s of items) {
        const when = s.cron !== undefined ? `cron "${s.cron}" ${s.timezone}` : `every ${s.every}`;
        console.log([s.id, when, String(s.task.type), s.status, s.nextRunAt ?? '-', `runs ${s.runs}`].join('  '));
      }
    });

  schedule
    .command('get')
    .description('one schedule')
    .argument('<id>')
    .action(async (id: string) => print(await schedules().get(id)));

  schedule
    .command('rm')
    .description('delete a schedule (runs already submitted carry on)')
    .argument('<id>')
    .action(async (id: string) => {
      await schedules().remove(id);
      console.log(`deleted ${id}`);
    });

  schedule
    .command('pause')
    .description('no runs until resumed')
    .argument('<id>')
    .action(async (id: string) => print(await schedules().pause(id)));

  schedule
    .command('resume')
    .description('runs again from the next due time')
    .argument('<id>')
    .action(async (id: string) => print(await schedules().resume(id)));

  return schedule;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be JSON, e.g. \'{"n": 1}\'');
  }
}
