// The business rules the README asks an admin to paste, as the simulated instance runs them: after
// every insert, update or delete of a record (and of a `comments` journal entry) POST the body the
// README's script builds to the project's webhook URL, proven by `?secret=` or HTTP Basic. Tests
// can hold deliveries and release them (newest first, to reorder), send each twice, or stop them.

import type { JsonValue } from '#domain/json.ts';
import { stamp, type SimChange } from './store.ts';

/** Where and how the rules post. */
export interface RuleOptions {
  /** The project's webhook URL (nothing is sent until one is set). */
  readonly url?: string;
  readonly secret?: string;
  /** `query`: `?secret=`; `basic`: HTTP Basic with the secret as password (the README's script). */
  readonly auth?: 'query' | 'basic';
  /** Keep deliveries until `release()`. */
  readonly hold?: boolean;
  /** Send every delivery twice, byte for byte. */
  readonly duplicate?: boolean;
}

/** A delivery, sent or held. */
export interface RuleDelivery {
  readonly body: string;
  /** Status answered per attempt. */
  readonly statuses: number[];
}

/** The rules' sender. */
export interface BusinessRules {
  configure(options: RuleOptions): void;
  /** Builds and sends (or holds) the delivery for `change`. */
  fire(change: SimChange, nowMs: number): void;
  /** Sends the held deliveries, newest first. */
  release(): Promise<void>;
  /** Resolves when every delivery sent so far has been answered. */
  settled(): Promise<void>;
  readonly deliveries: readonly RuleDelivery[];
  stop(): void;
}

/** The body the README's script posts for `change`. */
export function ruleBody(change: SimChange, nowMs: number): Record<string, JsonValue> {
  if (change.kind === 'record') {
    const { record } = change;
    return {
      sys_id: record['sys_id'] ?? '', number: record['number'] ?? '', sys_updated_on: record['sys_updated_on'] ?? '',
      sys_mod_count: record['sys_mod_count'] ?? '0', table: record['sys_class_name'] ?? '', operation: change.operation,
    };
  }
  const { entry } = change;
  return {
    sys_id: entry['sys_id'] ?? '',
    element_id: entry['element_id'] ?? '',
    element: entry['element'] ?? '',
    name: entry['name'] ?? '',
    value: entry['value'] ?? '',
    sys_created_on: entry['sys_created_on'] ?? '',
    sys_created_by: entry['sys_created_by'] ?? '',
    reported_at: stamp(nowMs),
    operation: change.operation,
  };
}

/** A sender with `initial` options. */
export function createBusinessRules(initial: RuleOptions = {}): BusinessRules {
  let options: RuleOptions = { ...initial };
  const deliveries: RuleDelivery[] = [];
  const held: RuleDelivery[] = [];
  const pending = new Set<Promise<void>>();
  let stopped = false;

  async function post(delivery: RuleDelivery): Promise<void> {
    const { url, secret } = options;
    if (!url || stopped) return;
    const target = new URL(url);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const basic = `Basic ${Buffer.from(`servicenow:${secret}`).toString('base64')}`;
    if (secret && options.auth === 'basic') headers['authorization'] = basic;
    else if (secret) target.searchParams.set('secret', secret);
    try {
      const signal = AbortSignal.timeout(10_000);
      const response = await fetch(target, { method: 'POST', headers, body: delivery.body, signal });
      await response.arrayBuffer();
      delivery.statuses.push(response.status);
    } catch {
      delivery.statuses.push(0);
    }
  }

  function send(delivery: RuleDelivery): void {
    const times = options.duplicate ? 2 : 1;
    const work = (async () => {
      for (let i = 0; i < times; i += 1) await post(delivery);
    })();
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  return {
    configure(next) {
      options = { ...options, ...next };
    },
    fire(change, nowMs) {
      // Comments only: the README's journal rule runs for `element=comments`.
      if (change.kind === 'journal' && change.entry['element'] !== 'comments') return;
      const delivery: RuleDelivery = { body: JSON.stringify(ruleBody(change, nowMs)), statuses: [] };
      deliveries.push(delivery);
      if (options.hold) held.push(delivery);
      else send(delivery);
    },
    async release() {
      const times = options.duplicate ? 2 : 1;
      for (const delivery of held.splice(0).reverse()) for (let i = 0; i < times; i += 1) await post(delivery);
      await this.settled();
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    deliveries,
    stop() {
      stopped = true;
    },
  };
}
