/** What routing needs of a pool. */
export interface RoutablePool {
  readonly name: string;
  readonly capabilities: readonly string[];
  /** Takes any capability no fixed pool offers (agent pools; agents are matched at admission). */
  readonly openCapabilities?: boolean;
}

export type RouteResult<P> =
  | { readonly ok: true; readonly pool: P }
  /** `missing`: capabilities no pool offers, or, when each is offered somewhere but never together, all of `requires`. */
  | { readonly ok: false; readonly missing: readonly string[] };

/**
 * The most specific pool offering every required capability: among pools whose
 * capabilities include all of `requires`, the one with fewest capabilities; on a
 * tie, the one declared first. No requirements → the first pool (the default).
 * None → the first pool with open capabilities, if there is one.
 */
export function routeToPool<P extends RoutablePool>(pools: readonly P[], requires: readonly string[]): RouteResult<P> {
  if (requires.length === 0 && pools[0] !== undefined) return { ok: true, pool: pools[0] };
  let best: P | undefined;
  for (const pool of pools) {
    const offered = new Set(pool.capabilities);
    if (!requires.every((capability) => offered.has(capability))) continue;
    if (best === undefined || pool.capabilities.length < best.capabilities.length) best = pool;
  }
  if (best !== undefined) return { ok: true, pool: best };
  const open = pools.find((pool) => pool.openCapabilities === true);
  if (open !== undefined) return { ok: true, pool: open };
  const offeredAnywhere = new Set(pools.flatMap((pool) => pool.capabilities));
  const unknown = requires.filter((capability) => !offeredAnywhere.has(capability));
  return { ok: false, missing: unknown.length > 0 ? unknown : [...requires] };
}

/**
 * The agent pools whose tasks an agent could run: fixed ones it shares a
 * capability with, and the open pools unless every capability it has is offered
 * by one fixed pool (then any task it could run routes to that pool, never to an
 * open one), so a lease call reads no ready set it could never take from.
 */
export function poolsFor<P extends RoutablePool & { readonly runsOn: string }>(pools: readonly P[], capabilities: readonly string[]): P[] {
  const has = new Set(capabilities);
  const fixed = pools.filter((p) => !p.openCapabilities);
  const needsOpen = !fixed.some((p) => capabilities.every((c) => p.capabilities.includes(c)));
  return pools.filter((p) => p.runsOn === 'agents' && (p.openCapabilities ? needsOpen : p.capabilities.some((c) => has.has(c))));
}
