// Latency samples summarised the same way for Lockstep and for its baselines: nearest-rank
// percentiles over every sample (no histogram buckets), so a p99 of 200 samples is the 198th value.

/** The percentiles a bench reports, in the samples' own unit (ms everywhere in this folder). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile `p` (0-100] of `sorted`, which must be sorted ascending and non-empty. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** p50, p99 and max of `samples`; NaN throughout when there are none. */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** `12.3 ms`, `0.412 ms`: three significant decimals below 1 ms, one below 100 ms, none above. */
export function ms(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  return `${value.toFixed(value < 1 ? 3 : value < 100 ? 1 : 0)} ms`;
}

/** `p50 12.3 ms, p99 80.1 ms`. */
export function describeLatency(summary: LatencySummary): string {
  return `p50 ${ms(summary.p50)}, p99 ${ms(summary.p99)}`;
}
