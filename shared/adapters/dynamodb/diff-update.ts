import { TABLE } from '../../topology/table.js';

/** Keys an update must never touch: the item key. */
const FIXED = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);

/**
 * An UpdateItem that turns `before` into `after`: SET what changed, REMOVE what
 * went. Writing only the changed attributes keeps a status change from
 * rewriting a large payload.
 */
export function diffUpdate(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  extraNames: Record<string, string> = {},
  extraValues: Record<string, unknown> = {},
): { UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> } {
  const names: Record<string, string> = { ...extraNames };
  const values: Record<string, unknown> = { ...extraValues };
  const sets: string[] = [];
  const removes: string[] = [];
  let n = 0;
  for (const [name, value] of Object.entries(after)) {
    if (FIXED.has(name) || JSON.stringify(before[name]) === JSON.stringify(value)) continue;
    names[`#a${n}`] = name;
    values[`:a${n}`] = value;
    sets.push(`#a${n} = :a${n}`);
    n++;
  }
  for (const name of Object.keys(before)) {
    if (FIXED.has(name) || name in after) continue;
    names[`#a${n}`] = name;
    removes.push(`#a${n}`);
    n++;
  }
  const expression = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  return { UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}
