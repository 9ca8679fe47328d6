// What the tracker bench (tracker-bench.ts) needs from one issue tracker and its simulator, so the
// import and latency measurements are written once and Jira, GitHub, Linear and ServiceNow each
// only say how to connect, seed, make a person's edit, read a title back, count calls, page with
// their connector alone, and send the one direct write and the one inbound delivery their
// baselines time.
import type { JsonValue } from '#domain/json.ts';
import type { Connector, InboundDelivery } from '#domain/project/connector.ts';

/** The `connectExternalProject` input of a bidirectional project on the simulator. */
export interface TrackerConnectInput {
  readonly name: string;
  readonly kind: string;
  readonly config: Readonly<Record<string, JsonValue>>;
  readonly credentials: Readonly<Record<string, JsonValue>>;
}

/** A delivery the simulator queued (webhook or business rule); its body is set once it is sent. */
export interface TrackerDelivery {
  readonly body: string | undefined;
  /** Status answered per attempt. */
  readonly statuses: readonly number[];
}

/** An item's title as the simulator holds it, and when (epoch ms, the simulator's own stamp) it last changed. */
export interface TitleStamp {
  readonly title: string;
  readonly changedMs: number;
}

/** A request the bench sends as is and times (the direct write of the outbound baseline). */
export interface PlainRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The status a successful write answers. */
  readonly okStatus: number;
}

/** A running simulator as the bench drives it; items are named by the connector's externalId. */
export interface TrackerSimulator {
  /** The project to connect to it. */
  readonly connectInput: TrackerConnectInput;
  /**
   * Creates `count` items titled `title(index)` without deliveries; their externalIds, in order.
   * Resolves once the simulator stamps a change with the time it happens again.
   */
  seed(count: number, title: (index: number) => string): Promise<string[]>;
  /** Points the simulator's deliveries at the project. */
  configureDeliveries(url: string, secret: string): void;
  /** Resolves when every delivery queued so far has been answered. */
  settled(): Promise<void>;
  /**
   * A person retitles the item in the tool; the one delivery that queued, or why it was not
   * exactly one delivery about that item.
   */
  personRetitle(externalId: string, title: string): TrackerDelivery | string;
  titleOf(externalId: string): TitleStamp | undefined;
  /** API calls by endpoint since the last reset. */
  readonly calls: ReadonlyMap<string, number>;
  resetCalls(): void;
  /** The one API call that retitles an item, sent straight to this simulator (no Lockstep). */
  directRetitle(externalId: string, title: string): PlainRequest;
  stop(): Promise<void>;
}

/** One tracker, as the bench measures it. */
export interface TrackerDriver {
  /** As figures name it: `Jira`, `GitHub`. */
  readonly name: string;
  /** As errors and changed titles name it: `jira`, `github`. */
  readonly tag: string;
  /** What one item is called: `issue`, `record`. */
  readonly noun: string;
  /** A seeded item's title; unique under the ticket text filter by its `#00017.` part. */
  seededTitle(index: number): string;
  /** Starts a fresh simulator. */
  start(): Promise<TrackerSimulator>;
  /** The connector, for paging without Lockstep. */
  connector(): Connector;
  /** The inbound baseline's name: `signed webhook POST to a loopback server`. */
  readonly deliveryBaseline: string;
  /** Headers and query of a delivery of `body` proven with `secret` as the tracker proves it. */
  deliveryProof(secret: string, body: string): { readonly headers: Readonly<Record<string, string>>; readonly query: Readonly<Record<string, string>> };
  /** Whether `delivery` is proven with `secret` (the loopback server's whole work). */
  deliveryValid(delivery: InboundDelivery, secret: string): boolean;
  /** The outbound baseline's name: `one PUT issue on the simulator`. */
  readonly directBaseline: string;
}
