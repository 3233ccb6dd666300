import type { AgentProfile, Candidate } from '../../../shared/domain/scheduling/types.js';
import { fullCapacity } from '../../../shared/domain/scheduling/fit.js';

export const NOW = new Date('2026-11-23T12:00:00.000Z');

/** An ISO time `seconds` before NOW. */
export const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
export const inSeconds = (seconds: number): string => new Date(NOW.getTime() + seconds * 1000).toISOString();

export function candidate(id: string, fields: Partial<Candidate> = {}): Candidate {
  return { id, tenant: 'acme', pool: 'agents', priority: 'normal', enqueuedAt: ago(1), requires: [], ...fields };
}

/** An idle agent unless `free` says otherwise. */
export function agent(id: string, fields: Partial<AgentProfile> = {}): AgentProfile {
  const capacity = fields.capacity ?? { slots: 4, cpu: 8, gpu: 0, memoryMb: 16_000 };
  return { id, capabilities: [], capacity, free: fullCapacity(capacity), weight: 1, labels: {}, ...fields };
}
