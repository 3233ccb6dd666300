import type { Task, ValueRef } from './task.js';
import { nextStageId } from './follow-ups.js';

/**
 * The objects a write let go of: refs in the record before it that the record after
 * it no longer holds (all of them when the record was deleted or expired). An object
 * lives exactly as long as a record points to it: no fixed age a delayed task, a
 * schedule or a kept record could outlive.
 */
export function releasedRefs(before: Task | undefined, after: Task | undefined): ValueRef[] {
  if (before === undefined) return [];
  const kept = new Set([after?.payloadRef?.key, after?.resultRef?.key].filter((k): k is string => k !== undefined));
  const released = new Map<string, ValueRef>();
  for (const ref of [before.payloadRef, before.resultRef]) if (ref !== undefined && !kept.has(ref.key)) released.set(ref.key, ref);
  return [...released.values()];
}

/**
 * The records that may point to an object: the task that wrote it (keys are
 * `<tenant>/<url-encoded task id>/…`, shared/adapters/s3/s3-value-store.ts) and its
 * next stage, whose payload is that task's result object (follow-ups.ts). Checked
 * before a delete, so an object shared along a chain, or written again under the
 * same key by a task re-created with the same id, is never removed under a record.
 */
export function possibleHolders(key: string): { tenant: string; ids: string[] } | undefined {
  const [tenant, owner] = key.split('/');
  if (tenant === undefined || owner === undefined || tenant === '' || owner === '') return undefined;
  const id = decodeURIComponent(owner);
  return { tenant, ids: [id, nextStageId(id)] };
}

export const holdsRef = (task: Task | undefined, key: string): boolean => task?.payloadRef?.key === key || task?.resultRef?.key === key;
