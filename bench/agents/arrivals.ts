/**
 * The live bench's submitter sends what is due in one request: the tasks from
 * `next` on whose arrival (workload seconds) is at or before `elapsed`, at most
 * `max` of them, and always the one at `next` (it waits for that one's arrival
 * first). Returns the index after the last. One at a time, a backlog of 200 at
 * second 0 took 45 s of real time to submit on a busy 2-core machine (each POST
 * waiting its turn), so it arrived over 900 workload seconds instead of at once.
 */
export function dueUntil(arrivals: readonly { readonly arrival: number }[], next: number, elapsed: number, max: number): number {
  let end = next + 1;
  while (end < arrivals.length && end - next < max && (arrivals[end]?.arrival ?? Infinity) <= elapsed) end++;
  return Math.min(end, arrivals.length);
}
