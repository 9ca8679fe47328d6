// Runs work concurrently, at most `total` at once and at most `perKey` for one key (a project), so
// one slow or hanging system fills its own slots and never the others'. Work over its key's limit
// waits in that key's queue, in arrival order; `waiting` lets callers keep queued messages alive.

/** Limits of a keyed limiter. */
export interface KeyedLimits {
  readonly total: number;
  readonly perKey: number;
}

/** A limiter; `run` resolves when the work has finished. */
export interface KeyedLimiter {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Work running now. */
  readonly active: number;
  /** Work queued, not yet started. */
  readonly waiting: number;
  /** Resolves once nothing runs or waits. */
  idle(): Promise<void>;
}

/** A limiter with `limits`. */
export function createKeyedLimiter(limits: KeyedLimits): KeyedLimiter {
  const running = new Map<string, number>();
  const queues = new Map<string, Array<() => void>>();
  let active = 0;
  let waiting = 0;
  let idlers: Array<() => void> = [];

  function startNext(): void {
    for (const [key, queue] of queues) {
      if (active >= limits.total) return;
      if ((running.get(key) ?? 0) >= limits.perKey) continue;
      const next = queue.shift();
      if (queue.length === 0) queues.delete(key);
      if (next) next();
    }
  }

  function settle(): void {
    if (active === 0 && waiting === 0) {
      for (const resolve of idlers) resolve();
      idlers = [];
    }
  }

  const canRun = (key: string) => active < limits.total && (running.get(key) ?? 0) < limits.perKey;
  function grant(key: string): void {
    active += 1;
    running.set(key, (running.get(key) ?? 0) + 1);
  }
  function release(key: string): void {
    active -= 1;
    const left = (running.get(key) ?? 1) - 1;
    if (left === 0) running.delete(key);
    else running.set(key, left);
  }

  return {
    async run(key, work) {
      if (canRun(key)) grant(key);
      else {
        waiting += 1;
        // The slot is granted by whoever frees it (startNext), before this continues.
        await new Promise<void>((resolve) => {
          const queue = queues.get(key) ?? [];
          queue.push(() => {
            waiting -= 1;
            grant(key);
            resolve();
          });
          queues.set(key, queue);
        });
      }
      try {
        return await work();
      } finally {
        release(key);
        startNext();
        settle();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting;
    },
    idle() {
      if (active === 0 && waiting === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idlers.push(resolve));
    },
  };
}
