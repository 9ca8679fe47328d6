// The port every connector implements: one folder in src/adapters per external system, speaking
// only domain terms across this boundary. Adapters parse vendor payloads with zod at the edge and
// hand over ExternalItems whose field values are already hub values (status `in_progress`, labels
// sorted...). The sync engine in infra drives them; nothing here does I/O.

import { DomainError } from '../errors.ts';
import type { JsonValue } from '../json.ts';
import type { AlertPolicy } from '../alert/alert-policy.ts';
import type { AlertReport } from '../alert/alert-report.ts';
import type { PeerTicketState } from '../sync/peer-state.ts';
import type { OrderingKey, SyncDirection } from '../sync/policy.ts';
import type { FieldKey } from '../ticket/fields.ts';
import type { IntegrationKind, SyncMode } from './kinds.ts';

/** An item as the external side holds it, translated into hub fields. */
export interface ExternalItem {
  readonly externalId: string;
  readonly url?: string;
  /** Orders reports of this item: an older one never overwrites a newer one. */
  readonly orderingKey: OrderingKey;
  /** When the side says the change happened (ms since epoch); stamps `newest_wins`. */
  readonly observedAtMs: number;
  /** Who changed it on the side, when known. */
  readonly actor?: string;
  /** The hub-field values the side reported (only those it reported). */
  readonly fields: Partial<Record<FieldKey, JsonValue>>;
  /** The item was deleted on the side. */
  readonly deleted?: boolean;
  /** Fields the delivery could not carry faithfully (e.g. wiki markup instead of ADF): read the item for them. */
  readonly needsFetch?: readonly FieldKey[];
  /** Values the connector could not map; the engine records each as a SyncError on the link. */
  readonly mappingErrors?: readonly FieldProblem[];
  /** From a peer hub: the item's whole register state with global dots (then `fields` is unused). */
  readonly peerState?: PeerTicketState;
  /**
   * Alert sources that also write back (PagerDuty): when no link holds this item, the report is
   * this alert instead (an alert group), never a plain imported ticket.
   */
  readonly alertWhenUnlinked?: AlertReport;
}

/** A reported value the connector could not translate into a hub value (it is left out, and shown). */
export interface FieldProblem {
  readonly field: FieldKey;
  readonly value: JsonValue;
  readonly message: string;
}

/** An inbound HTTP delivery, as received (the raw body is what signatures cover). */
export interface InboundDelivery {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Uint8Array;
}

/** A verified, parsed delivery. */
export interface ParsedDelivery {
  /** The source's own delivery id; repeated deliveries carry the same one. */
  readonly deliveryId: string;
  readonly items: readonly ExternalItem[];
  /** Comments the delivery reports (added, edited or deleted on the side). */
  readonly comments?: readonly ExternalComment[];
  /** Alerts the delivery reports (monitoring sources); each belongs to an alert-group ticket. */
  readonly alerts?: readonly AlertReport[];
  /** A subscription handshake the source asks us to confirm by fetching this URL (AWS SNS). */
  readonly confirmSubscriptionUrl?: string;
}

/** A comment as the side holds it, its body already in the hub's Markdown. */
export interface ExternalComment {
  /** The side's id of the item the comment sits on. */
  readonly itemExternalId: string;
  /** The side's id of the comment. */
  readonly externalId: string;
  readonly body: string;
  readonly author?: string;
  readonly createdAtMs: number;
  /** When the side last changed it; orders reports of one comment. */
  readonly updatedAtMs: number;
  readonly deleted?: boolean;
  /** The delivery could not carry the body faithfully (e.g. wiki markup): read the comment instead. */
  readonly needsFetch?: boolean;
}

/** One comment to write to the side. `deliveryId` stays the same across retries. */
export interface CommentRequest {
  readonly deliveryId: string;
  /** The hub's ids of the ticket and the comment. */
  readonly ticketId: string;
  readonly commentId: string;
  readonly body: string;
  readonly author: string;
  /** When the comment was posted, and last changed, on the hub (ms since epoch). */
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** An earlier attempt may have reached the side (its answer lost): look for that copy first. */
  readonly retry?: boolean;
  readonly signal?: AbortSignal;
}

/** What the side answered to a comment write. */
export interface CommentResult {
  readonly externalId: string;
  /** The body as the side will report it back (its rendering of what we sent). */
  readonly reportedBody: string;
  readonly updatedAtMs?: number;
}

/** Comment calls of a connector that mirrors comments. */
export interface CommentChannel {
  post(itemExternalId: string, request: CommentRequest): Promise<CommentResult>;
  /** Replaces the text; throws a `not_found` ExternalCallError when the comment is gone. */
  edit(itemExternalId: string, externalId: string, request: CommentRequest): Promise<CommentResult>;
  /** Deletes the comment; one that is already gone counts as deleted. */
  remove(itemExternalId: string, externalId: string, request: CommentRequest): Promise<void>;
  /** The comment as the side holds it now, or null when it is gone (needed when deliveries set `needsFetch`). */
  fetch?(itemExternalId: string, externalId: string, signal?: AbortSignal): Promise<ExternalComment | null>;
}

/** What a connector can do; the engine only asks for what is declared. */
export interface ConnectorCapabilities {
  /** The side posts deliveries to our webhook URL. */
  readonly receivesWebhooks: boolean;
  /** Changes can be fetched since a cursor (polling, reconcile, initial import). */
  readonly canFetch: boolean;
  readonly canCreate: boolean;
  readonly canUpdate: boolean;
  readonly syncModes: readonly SyncMode[];
  /** Comments are mirrored both ways (sessions then offer `comments`); absent means no. */
  readonly mirrorsComments?: boolean;
  /**
   * The side settles concurrent writes itself: a version precondition (a write whose
   * `precondition` is no longer current throws PreconditionFailed) or a causal merge (a peer hub's
   * version vectors). Without it, the engine reads the item before each update (`fetchItem`, when
   * `canFetch`) and compares it with the precondition's base values.
   */
  readonly conditionalWrites?: boolean;
  /** The directions a project of this kind may take (e.g. alert sources only pull); absent means any. */
  readonly directions?: readonly SyncDirection[];
  /**
   * The credential the side signs its deliveries with (Slack's `signingSecret`), accepted besides
   * the project's webhook secrets; absent means only the webhook secrets.
   */
  readonly signingCredential?: string;
  /**
   * The side shows the ticket rather than holding it (a Slack message): what it reports is a
   * person's request, so once applied the item is redrawn with the ticket's new state.
   */
  readonly displaysTicket?: boolean;
  /** The HTTP status an accepted delivery is answered with (default 202; Slack wants 200). */
  readonly acceptedStatus?: number;
}

/** A connected project's settings as the connector needs them. */
export interface ConnectionSettings {
  readonly projectId: string;
  readonly config: Readonly<Record<string, JsonValue>>;
  readonly credentials: Readonly<Record<string, JsonValue>>;
}

/** Calls to the external side for one connected project. */
export interface ConnectorSession {
  /** Proves config and credentials work (e.g. current user and project); throws ExternalCallError. */
  testConnection(signal?: AbortSignal): Promise<void>;
  /** One page of items changed since `cursor` (null: from the beginning). */
  fetchChanges(cursor: string | null, signal?: AbortSignal): Promise<{ items: ExternalItem[]; cursor: string | null; done: boolean }>;
  /** The item's current state, or null when it does not exist. */
  fetchItem(externalId: string, signal?: AbortSignal): Promise<ExternalItem | null>;
  /** Creates an item with the ticket's values. `deliveryId` stays the same across retries. */
  createItem(request: OutboundRequest): Promise<OutboundResult>;
  /** Sends changed fields of an existing item. `deliveryId` stays the same across retries. */
  updateItem(externalId: string, request: OutboundRequest): Promise<OutboundResult>;
  /** Present when the connector mirrors comments. */
  readonly comments?: CommentChannel;
}

/** One outbound change: the fields to send and the whole ticket for connectors that send it all. */
export interface OutboundRequest {
  readonly deliveryId: string;
  readonly ticketId: string;
  readonly changed: Partial<Record<FieldKey, JsonValue>>;
  readonly ticket: Readonly<Record<string, JsonValue>>;
  /** For a peer hub: the ticket's register state to send (see peer-state.ts). */
  readonly peerState?: PeerTicketState;
  /** An earlier attempt may have reached the side (its answer lost): a create looks for that copy first. */
  readonly retry?: boolean;
  /** For updates: what the hub last saw on the side; a side change since is concurrent, not to be overwritten. */
  readonly precondition?: WritePrecondition;
  readonly signal?: AbortSignal;
}

/** What an update expects the side to hold: the side's last seen ordering key and base values. */
export interface WritePrecondition {
  /** The newest ordering key the hub has seen for the item; null when unknown. */
  readonly orderingKey: OrderingKey | null;
  /** Per changed field, the value the side last acknowledged (in hub terms). */
  readonly base: Partial<Record<FieldKey, JsonValue>>;
}

/** What the side answered to an accepted outbound change. */
export interface OutboundResult {
  /** The item's id on the side (for creates, the new id; null when the side did not give one). */
  readonly externalId: string | null;
  readonly url?: string;
  readonly orderingKey?: OrderingKey;
  /** The values the side will report for what we sent, where its spelling differs (e.g. Jira labels). */
  readonly reportedValues?: Partial<Record<FieldKey, JsonValue>>;
  /**
   * The item as the side holds it right after the write, when the write's answer carries it whole
   * (GitHub's and ServiceNow's do): the engine then needs no read to learn the state after its write.
   */
  readonly state?: ExternalItem;
}

/** A connector: parses its settings and deliveries, and opens sessions. */
export interface Connector {
  readonly kind: IntegrationKind;
  readonly capabilities: ConnectorCapabilities;
  /** Validated, normalised config; throws InvalidConnectorSettings naming the problem. */
  parseConfig(config: unknown): Record<string, JsonValue>;
  /** Validated credentials; throws InvalidConnectorSettings naming the problem. */
  parseCredentials(credentials: unknown): Record<string, JsonValue>;
  /**
   * True when the delivery is signed with one of `secrets` by the source's own scheme (or `?secret=`).
   * May read the project's `config` and may be async: AWS SNS fetches its signing certificate.
   */
  verifyDelivery(
    delivery: InboundDelivery,
    secrets: readonly string[],
    config?: ConnectionSettings['config'],
  ): boolean | Promise<boolean>;
  /** Parses a verified delivery with the project's config (no credentials needed); throws InvalidDelivery naming the problem. */
  parseDelivery(delivery: InboundDelivery, config: ConnectionSettings['config']): ParsedDelivery;
  /** Fields a parsed config adds to the mirrored set (e.g. the custom fields it maps). */
  configuredFields?(config: ConnectionSettings['config']): FieldKey[];
  /** A session calling the side with these settings. */
  open(settings: ConnectionSettings): ConnectorSession;
  /** Alert sources: the alert-group rules of a parsed config (severities, reopen window, routes). */
  alertPolicy?(config: ConnectionSettings['config']): AlertPolicy;
  /** What config and credentials look like, as JSON Schema documents (the console's connect form). */
  readonly settingsSchemas?: SettingsSchemas;
  /** Alert sources that can mute a group (Alertmanager silences): the channel, or null when not configured. */
  silences?(settings: ConnectionSettings): SilenceChannel | null;
}

/** JSON Schema documents (draft 2020-12) of a connector's config and credentials. */
export interface SettingsSchemas {
  readonly config: JsonValue;
  readonly credentials: JsonValue;
}

/** What a silence Lockstep makes says: whose it is, and what it mutes. */
export interface SilenceRequest {
  readonly ticketId: string;
  readonly title: string;
  /** The group's labels: each becomes an equality matcher. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Silences of an alert source, made and ended for acknowledged alert-group tickets. */
export interface SilenceChannel {
  /** Ids of the silences Lockstep made for the ticket that are not yet expired (read from the side). */
  find(request: SilenceRequest, signal?: AbortSignal): Promise<string[]>;
  /** Makes a silence; its id. */
  create(request: SilenceRequest, signal?: AbortSignal): Promise<string>;
  /** Expires a silence; one already gone or expired counts as expired. */
  expire(silenceId: string, signal?: AbortSignal): Promise<void>;
}

/** Config or credentials a connector cannot accept. */
export class InvalidConnectorSettings extends DomainError {
  override readonly name = 'InvalidConnectorSettings';
}

/** A delivery body that is malformed or does not match the source's format. */
export class InvalidDelivery extends DomainError {
  override readonly name = 'InvalidDelivery';
}

/**
 * A conditional write the side refused because the item changed since the precondition: the
 * engine applies `current` as a report (a concurrent change) and plans again; nothing is retried.
 */
export class PreconditionFailed extends DomainError {
  override readonly name = 'PreconditionFailed';
  /** The item as the side holds it now, when the connector could read it. */
  readonly current: ExternalItem | null;
  constructor(message: string, current: ExternalItem | null) {
    super(message);
    this.current = current;
  }
}

/** How an external call failed, which decides what the engine does next. */
export const externalFailureKinds = ['rate_limited', 'unauthorized', 'unavailable', 'rejected', 'not_found'] as const;
export type ExternalFailureKind = (typeof externalFailureKinds)[number];

/** A failed call to the external side: retried (rate_limited, unavailable) or not (the rest). */
export class ExternalCallError extends DomainError {
  override readonly name = 'ExternalCallError';
  readonly kind: ExternalFailureKind;
  /** For rate_limited: how long the side asked us to wait. */
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  constructor(kind: ExternalFailureKind, message: string, options: { retryAfterMs?: number; status?: number } = {}) {
    super(message);
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  /** True when trying again later may succeed. */
  isTransient(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}
