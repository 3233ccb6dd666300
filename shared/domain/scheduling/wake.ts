import type { Task } from '../task.js';
import { eligible, fits } from './fit.js';
import type { AgentProfile, Candidate } from './types.js';

/**
 * Which waiting lease calls a new ready task wakes. Waking every waiter of the
 * pool for each task made all but one lose the claim race and sleep again
 * (CPU and reads for nothing); waking one that can run it is enough. The wake is
 * a latency shortcut: a task no woken waiter takes stays in the ready set, where
 * every lease call finds it at its next read (see "Dispatch to agents").
 */

/** A task that just became ready: as much of it as says which agents could run it. */
export type ReadyNote = Pick<Candidate, 'id' | 'requires' | 'agent' | 'avoidAgents' | 'resources'> & {
  /** Agents already woken for it that did not take it: not woken for it again. */
  readonly passedOver?: readonly string[];
};

/** A waiting lease call: its agent, with the room the agent had free when it began to wait. */
export type Waiter = Pick<AgentProfile, 'id' | 'capabilities' | 'capacity' | 'free'>;

/** The note for a task entering the ready set. */
export function readyNoteOf(task: Pick<Task, 'id' | 'requires' | 'resources' | 'placement'>): ReadyNote {
  const p = task.placement;
  return {
    id: task.id,
    requires: task.requires,
    ...(task.resources !== undefined ? { resources: task.resources } : {}),
    ...(p?.agent !== undefined ? { agent: p.agent } : {}),
    ...(p?.avoidAgents !== undefined ? { avoidAgents: p.avoidAgents } : {}),
  };
}

/**
 * Could `waiter` take the task now? The placement rules' own hard rules
 * (`eligible`: capabilities, pin, exclusion) and the fit in its free room, and
 * it has not already passed the task over.
 */
export function canTake(waiter: Waiter, note: ReadyNote): boolean {
  return eligible(waiter, note) && fits(note.resources, waiter.free) && !(note.passedOver ?? []).includes(waiter.id);
}

/**
 * The waiters to wake for `notes`, each with the one task it is woken for: at
 * most one waiter per task and one task per waiter, each waiter able to take its
 * task, and as many tasks covered as any such choice covers (a maximum
 * matching, so a CPU task does not use up the one GPU waiter a GPU task needed).
 * Among equal choices the earlier waiter wins: pass them longest-waiting first.
 *
 * Kuhn's augmenting paths: each search visits only waiters, and re-routes only
 * tasks already matched (at most one per waiter), so a batch of T tasks for W
 * waiters costs about T × W².
 */
export function chooseWakes<W extends Waiter>(notes: readonly ReadyNote[], waiters: readonly W[]): Map<W, ReadyNote> {
  const noteOf = new Map<number, number>(); // waiter index → note index
  const fitting = notes.map((note) => waiters.flatMap((w, i) => (canTake(w, note) ? [i] : [])));
  // A task takes the first free waiter that fits; only when none is free does it
  // move an earlier task to another waiter (so the first tasks keep the longest waiters).
  const place = (note: number, seen: Set<number>): boolean => {
    const options = fitting[note] ?? [];
    const free = options.find((w) => !seen.has(w) && !noteOf.has(w));
    if (free !== undefined) {
      noteOf.set(free, note);
      return true;
    }
    for (const w of options) {
      if (seen.has(w)) continue;
      seen.add(w);
      if (place(noteOf.get(w) as number, seen)) {
        noteOf.set(w, note);
        return true;
      }
    }
    return false;
  };
  for (let n = 0; n < notes.length && noteOf.size < waiters.length; n++) place(n, new Set());
  const chosen = new Map<W, ReadyNote>();
  for (const [w, n] of [...noteOf].sort(([a], [b]) => a - b)) chosen.set(waiters[w] as W, notes[n] as ReadyNote);
  return chosen;
}
