// How many subscriptions each token holds open in this process, across WebSockets and SSE, so one
// caller cannot pin unbounded consumers and memory. A slot is released exactly once.

/** Counts open subscriptions per token against a ceiling. */
export interface SubscriptionSlots {
  /** A release function when `tokenId` is under the ceiling, otherwise undefined. */
  acquire(tokenId: string): (() => void) | undefined;
  /** Open subscriptions of `tokenId`. */
  held(tokenId: string): number;
}

/** Slots with at most `maxPerToken` open at once for any one token. */
export function createSubscriptionSlots(maxPerToken: number): SubscriptionSlots {
  const open = new Map<string, number>();
  return {
    acquire(tokenId) {
      const count = open.get(tokenId) ?? 0;
      if (count >= maxPerToken) return undefined;
      open.set(tokenId, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(tokenId) ?? 1) - 1;
        if (left > 0) open.set(tokenId, left);
        else open.delete(tokenId);
      };
    },
    held: (tokenId) => open.get(tokenId) ?? 0,
  };
}

/**
 * Wraps a subscription's iterator so that `return()` (the client completed it, or its socket
 * closed) first aborts `aborter`: the event feed then stops waiting at once instead of holding
 * the return until a next event that may never come.
 */
export function abortOnReturn<T>(iterator: AsyncIterator<T>, aborter: AbortController): AsyncGenerator<T> {
  const wrapped = {
    next: () => iterator.next(),
    return: async (value?: unknown) => {
      aborter.abort();
      return (await iterator.return?.(value)) ?? { done: true as const, value: undefined };
    },
    throw: async (error?: unknown) => {
      aborter.abort();
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return wrapped;
    },
    async [Symbol.asyncDispose]() {
      await wrapped.return();
    },
  };
  return wrapped as AsyncGenerator<T>;
}
