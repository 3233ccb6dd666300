export interface BackoffPolicy {
  readonly baseSeconds: number;
  readonly capSeconds: number;
}

/**
 * Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(attempt-1))].
 * `random` is injected (0 ≤ r < 1) so the core stays pure and tests exact.
 */
export function retryDelaySeconds(attempt: number, policy: BackoffPolicy, random: number): number {
  const ceiling = Math.min(policy.capSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random * (ceiling + 1));
}
