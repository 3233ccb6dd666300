import { styleText } from 'node:util';
import type { JobStatus, TaskStatus } from '../sdk/types.js';

/**
 * Colour only for a person at a terminal: never when the stream is not a TTY,
 * when NO_COLOR is set (https://no-color.org) or TERM is dumb. Node 20's
 * styleText does not check any of these itself.
 */
export function colourOn(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}

type Colour = Parameters<typeof styleText>[0];

/**
 * Newer Node 20s also check the stream inside styleText (stdout, whatever we print
 * to); colourOn() has decided already, so that check is switched off. Node 20's
 * types do not declare the option yet.
 */
const style = (colour: Colour, text: string): string =>
  (styleText as (format: Colour, text: string, options?: { validateStream?: boolean }) => string)(colour, text, { validateStream: false });

const STATUS_COLOURS: Readonly<Record<TaskStatus | JobStatus, Colour>> = {
  PENDING: 'gray',
  ACTIVE: 'cyan',
  RUNNING: 'cyan',
  REDUCING: 'cyan',
  COMPLETED: 'green',
  FAILED: 'red',
  EXPIRED: 'red',
  CANCELLED: 'yellow',
};

/** A task or job status, coloured by what it means (green done, red failed …) when colour is on. */
export function paintStatus(status: string, text: string = status, on: boolean = colourOn()): string {
  const colour = STATUS_COLOURS[status as TaskStatus | JobStatus];
  return on && colour !== undefined ? style(colour, text) : text;
}
