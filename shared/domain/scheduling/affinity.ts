/**
 * Sticky placement by rendezvous (highest-random-weight) hashing: each key goes to
 * the agent with the highest hash of (key, agent). When an agent leaves, only its
 * keys move (each to its own next-highest agent); when one joins, it takes only
 * the keys it now wins. No ring to rebuild, no state to share between API calls.
 */

/** cyrb53: a fast, well-mixed 53-bit string hash (public domain, bryc). Not for security. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The agent among `agentIds` that owns `key`; undefined when there is none. Independent of the ids' order. */
export function affinityOwner(key: string, agentIds: readonly string[]): string | undefined {
  let owner: string | undefined;
  let best = -1;
  for (const id of agentIds) {
    const score = hash53(`${key}\u0000${id}`);
    // Ties (vanishingly rare) go to the smaller id, so the answer never depends on order.
    if (score > best || (score === best && owner !== undefined && id < owner)) {
      best = score;
      owner = id;
    }
  }
  return owner;
}
