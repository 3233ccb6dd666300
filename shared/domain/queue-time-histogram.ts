import type { Percentiles } from './stats.js';

/**
 * A mergeable queue-time sketch: DDSketch's logarithmic buckets, kept as plain
 * bucket → count maps. Bucket i holds values in (γ^(i-1), γ^i] ms, so any quantile
 * read back is within ±(γ−1)/(γ+1) ≈ 2.4 % of the true value. Two sketches merge by
 * adding counts, which is what DynamoDB's `ADD` does to one attribute per bucket:
 * the stream consumer merges a batch into a minute's item without reading it (a
 * library sketch would need a read, a merge and a conditional write).
 */
export type Histogram = Readonly<Record<number, number>>;

const GAMMA = 1.05;
const LOG_GAMMA = Math.log(GAMMA);

/** The bucket of a queue time in ms; anything at or under 1 ms (or negative: clock skew) is bucket 0. */
export function bucketOf(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 1) return 0;
  return Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** The value a bucket stands for: the point of least relative error in (γ^(i-1), γ^i]. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return bucket === 0 ? 1 : 0;
  return (2 * GAMMA ** bucket) / (GAMMA + 1);
}

/** A histogram of these values. */
export function histogramOf(values: readonly number[]): Histogram {
  const out: Record<number, number> = {};
  for (const v of values) {
    const b = bucketOf(v);
    out[b] = (out[b] ?? 0) + 1;
  }
  return out;
}

/** Counts added bucket by bucket: the merge. */
export function mergeHistograms(histograms: readonly Histogram[]): Histogram {
  const out: Record<number, number> = {};
  for (const h of histograms) for (const [b, n] of Object.entries(h)) out[Number(b)] = (out[Number(b)] ?? 0) + n;
  return out;
}

export const histogramCount = (h: Histogram): number => Object.values(h).reduce((a, b) => a + b, 0);

/** Nearest-rank p50/p95/p99 of a histogram, rounded to whole ms; undefined when it holds nothing. */
export function histogramPercentiles(h: Histogram): Percentiles | undefined {
  const buckets = Object.entries(h)
    .map(([b, n]) => [Number(b), n] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  const at = (p: number): number => {
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (const [b, n] of buckets) {
      seen += n;
      if (seen >= rank) return Math.round(bucketValue(b));
    }
    return Math.round(bucketValue(buckets[buckets.length - 1]?.[0] ?? 0));
  };
  return { p50: at(50), p95: at(95), p99: at(99) };
}
