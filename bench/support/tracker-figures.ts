// What a tracker bench prints: the import beside the connector paging alone, its calls per item,
// and each direction's p50 and p99 latency beside its baseline, with the detail that says where
// the time went. Names follow the driver (`Jira -> hub`, `one PUT issue on the simulator`).
import { availableParallelism } from 'node:os';
import type { BenchFigure } from '../figure.ts';
import { describeCpuShare, type CpuShare } from './cpu-share.ts';
import { describeLatency, ms, summarize } from './latency.ts';
import { LINKED, MEASURED, RATE, type DirectionRun, type TowardsHub, type TowardsTracker } from './tracker-changes.ts';
import type { TrackerDriver } from './tracker-driver.ts';
import type { LockstepImport, RawRead } from './tracker-import.ts';
import type { BaselineRun } from './tracker-latency-baselines.ts';

/** When the first hub edit after the import was sent (after completion), and how long it took to reach the tracker. */
export interface FirstEdit {
  readonly sentAfterMs: number;
  readonly arrivedAfterMs: number;
}

/** Everything measured with Lockstep running. */
export interface Measured {
  readonly raw: RawRead;
  readonly imported: LockstepImport;
  readonly quietAfterImportMs: number;
  readonly callsAfterImport: ReadonlyMap<string, number>;
  readonly firstEdit: FirstEdit;
  readonly towardsHub: TowardsHub;
  readonly towardsTracker: TowardsTracker;
  readonly load: number;
  readonly importCpu: CpuShare;
}

const sumOf = (calls: ReadonlyMap<string, number>) => [...calls.values()].reduce((sum, n) => sum + n, 0);
const describeCalls = (calls: ReadonlyMap<string, number>, per: number) =>
  [...calls.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([endpoint, count]) => `${endpoint} ${(count / per).toFixed(count / per < 0.1 ? 4 : 2)}`)
    .join(', ');

function latencyFigures(driver: TrackerDriver, direction: string, run: DirectionRun, baselineName: string, baseline: BaselineRun, where: string): BenchFigure[] {
  const latency = summarize(run.changes.map((change) => (change.arrivedAtMs ?? Number.NaN) - change.dueAtMs));
  const floor = summarize(baseline.latencies);
  const waited = run.changes.filter((change) => change.waited).length;
  const calls = `${driver.name} API calls per change: ${(sumOf(run.calls) / MEASURED).toFixed(2)} (${describeCalls(run.calls, MEASURED) || 'none'})`;
  const offered =
    `offered ${RATE}/s: ${MEASURED} changes over ${LINKED} imported ${driver.noun}s after ${LINKED} warm-up changes, all arrived; ` +
    `sends late by p99 ${ms(run.lateness.p99)}, ${waited} waited for their ${driver.noun} (timed from their slot)`;
  const compared = (label: string, lockstepMs: number, baselineMs: number) =>
    `${label}: Lockstep ${ms(lockstepMs)} vs ${baselineName} ${ms(baselineMs)} — lower is better, the ratio is Lockstep / baseline`;
  return [
    {
      name: `${direction} p50 latency`,
      value: latency.p50,
      unit: 'ms',
      baseline: { name: `${baselineName} p50`, value: floor.p50 },
      detail: `${compared('p50', latency.p50, floor.p50)}; ${offered}; ${where}`,
    },
    {
      name: `${direction} p99 latency`,
      value: latency.p99,
      unit: 'ms',
      baseline: { name: `${baselineName} p99`, value: floor.p99 },
      detail: `${compared('p99', latency.p99, floor.p99)}; max ${ms(latency.max)} (baseline ${ms(floor.max)}); ${calls}`,
    },
  ];
}

/** The figures of one run of `driver`'s bench over `items` seeded items. */
export function figuresOf(driver: TrackerDriver, items: number, measured: Measured, provenPosts: BaselineRun, directEdits: BaselineRun): BenchFigure[] {
  const { raw, imported, firstEdit } = measured;
  const { name } = driver;
  const nouns = `${driver.noun}s`;
  const rate = items / (imported.ms / 1000);
  const rawRate = raw.items / (raw.ms / 1000);
  const importDetail =
    `${items} ${nouns}, all created, 0 errors, 0 conflicts (${imported.processed} items processed, one transaction per fetched page); ` +
    `Lockstep / connector ${(rate / rawRate).toFixed(4)} (reading alone is ${(rawRate / rate).toFixed(0)}x faster); ` +
    `${(imported.ms / 1000).toFixed(1)} s from startSync to completion; ` +
    `the connector alone read them in ${(raw.ms / 1000).toFixed(2)} s over ${raw.pages} pages; ` +
    `during the import ${describeCpuShare(measured.importCpu)}; ` +
    `outbox published and quiet ${(measured.quietAfterImportMs / 1000).toFixed(1)} s after completion; ` +
    `a hub edit sent ${(firstEdit.sentAfterMs / 1000).toFixed(1)} s after completion reached ${name} ${(firstEdit.arrivedAfterMs / 1000).toFixed(1)} s later ` +
    `(behind the import's events); ` +
    `1-min load average ${measured.load.toFixed(2)} on ${availableParallelism()} CPUs before it`;
  const callsAfter = sumOf(measured.callsAfterImport);
  const callsDetail =
    `${imported.calls} calls for ${items} ${nouns} (${describeCalls(imported.callsByEndpoint, items)}); ` +
    `the connector reading alone: ${(raw.calls / raw.items).toFixed(4)} (${raw.calls} calls); ` +
    `${callsAfter} more calls after completion until quiet${callsAfter > 0 ? ` (${describeCalls(measured.callsAfterImport, 1)})` : ''}`;
  const { towardsHub, towardsTracker } = measured;
  const inbound = towardsHub.run;
  const outbound = towardsTracker.run;
  const applied = summarize(inbound.changes.map((change) => (change.midAtMs ?? Number.NaN) - change.sentAtMs));
  const announced = summarize(inbound.changes.map((change) => (change.arrivedAtMs ?? Number.NaN) - (change.midAtMs ?? Number.NaN)));
  const answered = summarize(outbound.changes.map((change) => (change.midAtMs ?? Number.NaN) - change.sentAtMs));
  return [
    {
      name: `${name} initial import through Lockstep`,
      value: rate,
      unit: `${nouns}/s`,
      baseline: { name: 'the connector paging alone', value: rawRate },
      detail: `higher is better; ${importDetail}`,
    },
    { name: `${name} initial import API calls per ${driver.noun}`, value: imported.calls / items, unit: `calls/${driver.noun}`, detail: `lower is better; ${callsDetail}` },
    ...latencyFigures(
      driver,
      `${name} -> hub`,
      inbound,
      driver.deliveryBaseline,
      provenPosts,
      `ticket updatedAt ${describeLatency(applied)} after the edit, subscription message ${describeLatency(announced)} after that`,
    ),
    ...latencyFigures(
      driver,
      `hub -> ${name}`,
      outbound,
      driver.directBaseline,
      directEdits,
      `updateTicket answered ${describeLatency(answered)} after the send; push job created ${describeLatency(towardsTracker.planned)} after the send, ` +
        `edit in ${name} ${describeLatency(towardsTracker.pushed)} after that (${towardsTracker.planned.count} matched to push jobs, ${towardsTracker.retried} retried)`,
    ),
  ];
}
