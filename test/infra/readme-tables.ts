import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACCESS_TARGETS, type Access, type AccessTarget } from '../../shared/topology/access.js';

/**
 * The README's tables that state what the stack grants and alarms on, read so
 * the infra tests compare them with the synthesized template line by line.
 */

/** The body rows (cells, trimmed) of the first table after `heading`. */
export function readmeTable(heading: string, readme = readFileSync(path.join(process.cwd(), 'README.md'), 'utf8')): string[][] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const first = lines.findIndex((line, i) => i > start && line.startsWith('|'));
  if (first < 0) throw new Error(`README has no table under "${heading}"`);
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(lines[i]!.slice(1, -1).split(' | ').map((cell) => cell.trim()));
  }
  return rows;
}

/** `table: \`dynamodb:GetItem\` \`dynamodb:Query\` · indexes: \`dynamodb:Query\``, targets in ACCESS_TARGETS order; `—` for none. */
export function formatAccess(access: Access): string {
  const parts = (Object.keys(ACCESS_TARGETS) as AccessTarget[])
    .filter((target) => (access[target] ?? []).length > 0)
    .map((target) => `${target}: ${[...access[target]!].sort().map((a) => `\`${a}\``).join(' ')}`);
  return parts.length === 0 ? '—' : parts.join(' · ');
}

/** The inverse of formatAccess; throws on a target the topology does not know. */
export function parseAccess(cell: string): Access {
  if (cell === '—') return {};
  const access: Partial<Record<AccessTarget, string[]>> = {};
  for (const part of cell.split(' · ')) {
    const [target, actions] = part.split(': ') as [string, string | undefined];
    if (!(target in ACCESS_TARGETS) || actions === undefined) throw new Error(`README: "${part}" is not "<target>: <actions>"`);
    access[target as AccessTarget] = [...actions.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();
  }
  return access;
}

/** The first backticked word of a cell: a function's or an alarm's name. */
export const nameIn = (cell: string): string => /`([^`]+)`/.exec(cell)?.[1] ?? cell;
