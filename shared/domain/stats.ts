export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Nearest-rank percentiles; undefined for no values. */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/** An agent's load as `/stats` shows it. */
export interface AgentLoad {
  readonly id: string;
  readonly name?: string;
  readonly slots: number;
  readonly running: number;
  /** running / slots, 0…1. */
  readonly utilisation: number;
}

/** Standard deviation over mean; 0 for fewer than two values or a zero mean. */
export function coefficientOfVariation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (mean === 0) return 0;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return Math.round((Math.sqrt(variance) / mean) * 1000) / 1000;
}

/**
 * Load of the online agents: each one's utilisation (held leases over slots), the
 * fleet's, and how evenly it is spread (the CV of utilisation across agents).
 */
export function fleetLoad(
  agents: readonly { id: string; name?: string; capacity: { slots: number }; leases: Readonly<Record<string, unknown>> }[],
): { agents: AgentLoad[]; utilisation: number; utilisationCv: number } {
  const loads = agents.map((agent): AgentLoad => {
    const running = Object.keys(agent.leases).length;
    const slots = Math.max(1, agent.capacity.slots);
    return { id: agent.id, ...(agent.name !== undefined ? { name: agent.name } : {}), slots, running, utilisation: Math.round((running / slots) * 1000) / 1000 };
  });
  const slots = loads.reduce((n, a) => n + a.slots, 0);
  const running = loads.reduce((n, a) => n + a.running, 0);
  return {
    agents: loads,
    utilisation: slots === 0 ? 0 : Math.round((running / slots) * 1000) / 1000,
    utilisationCv: coefficientOfVariation(loads.map((a) => a.utilisation)),
  };
}
