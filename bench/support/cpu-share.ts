// Where a phase's time went on this machine: how busy the bench process's event loop was (Lockstep
// runs in it, beside the simulator), how much CPU the process used, and how much the whole machine
// used (PostgreSQL and NATS included) — so a slow phase reads as "CPU-bound in Node", "busy in
// the database" or "mostly waiting". The machine figure comes from /proc/stat (Linux only).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** What a finished phase used. */
export interface CpuShare {
  /** Share of the phase the event loop was busy (0-1). */
  readonly eventLoop: number;
  /** CPU time of this process, in cores (1 = one core busy throughout). */
  readonly processCores: number;
  /** CPU time of the whole machine, in cores; undefined without /proc/stat. */
  readonly machineCores: number | undefined;
}

/** Busy and total jiffies of all CPUs, or undefined off Linux. */
function machineJiffies(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Starts measuring; call the result to stop and read the share. */
export function startCpuShare(): () => CpuShare {
  const loop: EventLoopUtilization = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const machine = machineJiffies();
  const started = performance.now();
  return () => {
    const wallMicros = (performance.now() - started) * 1000;
    const used = process.cpuUsage(cpu);
    const now = machineJiffies();
    const machineCores = machine && now && now.total > machine.total
      ? ((now.busy - machine.busy) / (now.total - machine.total)) * availableParallelism()
      : undefined;
    return {
      eventLoop: performance.eventLoopUtilization(loop).utilization,
      processCores: (used.user + used.system) / wallMicros,
      machineCores,
    };
  };
}

/** `event loop 62% busy, the process 0.71 cores, the machine 1.64 of 2 cores`. */
export function describeCpuShare(share: CpuShare): string {
  const machine = share.machineCores === undefined ? '' : `, the machine ${share.machineCores.toFixed(2)} of ${availableParallelism()} cores`;
  return `event loop ${(share.eventLoop * 100).toFixed(0)}% busy, the process ${share.processCores.toFixed(2)} cores${machine}`;
}
