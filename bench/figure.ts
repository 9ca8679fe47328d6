// What every benchmark reports: a measured figure beside a baseline measured in the same run, so
// the printed ratio survives a slower or busier machine where an absolute number would not.

export interface BenchFigure {
  /** What was measured, e.g. "createTicket through Lockstep". */
  readonly name: string;
  /** The measured value, in `unit`. */
  readonly value: number;
  readonly unit: string;
  /** The baseline measured in the same run; absent for pure size figures. */
  readonly baseline?: { readonly name: string; readonly value: number };
  /** Free-form detail worth printing (p50/p99, sample counts). */
  readonly detail?: string;
}

/** A benchmark module's entry point; `bench/index.ts` runs each in turn. */
export type BenchSuite = () => Promise<readonly BenchFigure[]>;

/** value / baseline for throughput-like units (higher is better). */
export function ratioOf(figure: BenchFigure): number | undefined {
  return figure.baseline ? figure.value / figure.baseline.value : undefined;
}
