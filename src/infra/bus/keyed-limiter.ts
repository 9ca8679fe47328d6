// Runs work concurrently, at most `total` at once and at most `perKey` for one key (a project), so
// one slow or hanging system fills its own slots and never the others'. Work may also name a lane
// (a ticket): work of one lane runs one at a time, in arrival order, so what goes to one item
// (its comments, its edits) reaches it in order. Work that cannot start waits, in arrival order.

/** Limits of a keyed limiter. */
export interface KeyedLimits {
  readonly total: number;
  readonly perKey: number;
}

/** A limiter; `run` resolves when the work has finished. */
export interface KeyedLimiter {
  run<T>(key: string, work: () => Promise<T>, lane?: string): Promise<T>;
  /** Work running now. */
  readonly active: number;
  /** Work queued, not yet started. */
  readonly waiting: number;
  /** Resolves once nothing runs or waits. */
  idle(): Promise<void>;
}

interface Waiter {
  readonly key: string;
  readonly lane: string | undefined;
  readonly start: () => void;
}

/** A limiter with `limits`. */
export function createKeyedLimiter(limits: KeyedLimits): KeyedLimiter {
  const running = new Map<string, number>();
  const busyLanes = new Set<string>();
  let queue: Waiter[] = [];
  let active = 0;
  let idlers: Array<() => void> = [];

  const canRun = (key: string, lane: string | undefined) =>
    active < limits.total && (running.get(key) ?? 0) < limits.perKey && (lane === undefined || !busyLanes.has(lane));

  function grant(key: string, lane: string | undefined): void {
    active += 1;
    running.set(key, (running.get(key) ?? 0) + 1);
    if (lane !== undefined) busyLanes.add(lane);
  }

  function release(key: string, lane: string | undefined): void {
    active -= 1;
    const left = (running.get(key) ?? 1) - 1;
    if (left === 0) running.delete(key);
    else running.set(key, left);
    if (lane !== undefined) busyLanes.delete(lane);
  }

  /** Starts waiting work in arrival order; a lane's later work never passes its earlier work. */
  function startNext(): void {
    const blockedLanes = new Set<string>();
    const left: Waiter[] = [];
    for (const waiter of queue) {
      const laneBlocked = waiter.lane !== undefined && blockedLanes.has(waiter.lane);
      if (!laneBlocked && canRun(waiter.key, waiter.lane)) {
        grant(waiter.key, waiter.lane);
        waiter.start();
      } else {
        left.push(waiter);
        if (waiter.lane !== undefined) blockedLanes.add(waiter.lane);
      }
    }
    queue = left;
  }

  function settle(): void {
    if (active === 0 && queue.length === 0) {
      for (const resolve of idlers) resolve();
      idlers = [];
    }
  }

  return {
    async run(key, work, lane) {
      const laneQueued = lane !== undefined && queue.some((waiter) => waiter.lane === lane);
      if (!laneQueued && canRun(key, lane)) grant(key, lane);
      // Otherwise the slot is granted by whoever frees it (startNext), before this continues.
      else await new Promise<void>((resolve) => queue.push({ key, lane, start: resolve }));
      try {
        return await work();
      } finally {
        release(key, lane);
        startNext();
        settle();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    idle() {
      if (active === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idlers.push(resolve));
    },
  };
}
