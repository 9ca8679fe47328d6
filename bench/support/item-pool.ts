// Items a paced load may change, one change in flight per item: a change whose item is still busy
// waits for it (and says so), so two changes never race on one item and a late arrival is never
// mistaken for the next change's. The waiting is part of what the bench times, never hidden.

/** A pool of items handed out one change at a time. */
export interface ItemPool<T> {
  /** A free item; waits (and reports `waited`) while every item has a change in flight. */
  take(): Promise<{ item: T; waited: boolean }>;
  /** Returns `item` once its change arrived (or was given up). */
  give(item: T): void;
}

/** A pool over `items`, handed out in order. */
export function createItemPool<T>(items: readonly T[]): ItemPool<T> {
  const free = [...items];
  const waiting: Array<(item: T) => void> = [];
  return {
    async take() {
      const item = free.shift();
      if (item !== undefined) return { item, waited: false };
      return { item: await new Promise<T>((resolve) => waiting.push(resolve)), waited: true };
    },
    give(item) {
      const next = waiting.shift();
      if (next) next(item);
      else free.push(item);
    },
  };
}
