// The ExternalProject aggregate: one connection to an external system (a Jira project, a webhook
// receiver, a peer hub) with its sync rules and its lifecycle. The rules it owns: the status
// machine (pause/resume, error after repeated failures and back on success, disconnected when
// credentials are refused), the webhook secret and its rotation grace period, the handshake, and
// the ProjectPolicy the sync functions read. Credentials arrive sealed (encrypted by infra); the
// domain never sees them in clear. Plain public properties so MikroORM can map the class directly.

import type { ConflictStrategy } from '../conflict/conflict.ts';
import { DomainError } from '../errors.ts';
import type { JsonValue } from '../json.ts';
import type { LinkRule } from '../rules/link-rule.ts';
import type { ProjectPolicy, SyncDirection } from '../sync/policy.ts';
import { mirroredFields, type FieldKey } from '../ticket/fields.ts';
import type { HandshakeStatus, IntegrationKind, ProjectStatus, SyncMode } from './kinds.ts';

/** Consecutive failures after which an active project goes to `error`. */
export const failuresBeforeError = 5;
/** Default time an old webhook secret keeps working after a rotation. */
export const defaultSecretGraceMs = 24 * 60 * 60 * 1000;

/** A lifecycle transition that the current status does not allow. */
export class ProjectStateError extends DomainError {
  override readonly name = 'ProjectStateError';
}

/** What connecting a project needs; config and credentials were validated by its adapter. */
export interface ConnectProjectInput {
  readonly id: string;
  readonly name: string;
  readonly kind: IntegrationKind;
  readonly direction: SyncDirection;
  readonly config: Record<string, JsonValue>;
  readonly sealedCredentials: string;
  readonly defaultStrategy: ConflictStrategy;
  readonly fieldStrategies: Partial<Record<FieldKey, ConflictStrategy>>;
  readonly mappedFields?: readonly FieldKey[];
  readonly allowsShareable?: boolean;
  /** Which tickets are linked here without anyone asking (parsed by `parseLinkRules`). */
  readonly linkRules?: readonly LinkRule[];
  readonly syncMode: SyncMode;
  readonly pollIntervalSeconds: number;
  readonly webhookSecret: string;
  /** True when the kind receives webhooks from the other side (a handshake is then awaited). */
  readonly receivesWebhooks: boolean;
  readonly nowMs: number;
}

/** Changes an admin may make after connecting. */
export interface ProjectChanges {
  readonly name?: string;
  readonly direction?: SyncDirection;
  readonly config?: Record<string, JsonValue>;
  readonly sealedCredentials?: string;
  readonly defaultStrategy?: ConflictStrategy;
  readonly fieldStrategies?: Partial<Record<FieldKey, ConflictStrategy>>;
  readonly mappedFields?: readonly FieldKey[];
  readonly allowsShareable?: boolean;
  readonly linkRules?: readonly LinkRule[];
  readonly syncMode?: SyncMode;
  readonly pollIntervalSeconds?: number;
}

/** How far `lastSyncedAt` may lag the last successful call, ms. */
export const lastSyncedResolutionMs = 1_000;

/** A connection to one external project and its sync rules. */
export class ExternalProject {
  id!: string;
  name!: string;
  kind!: IntegrationKind;
  status!: ProjectStatus;
  direction!: SyncDirection;
  config!: Record<string, JsonValue>;
  sealedCredentials!: string;
  defaultStrategy!: ConflictStrategy;
  fieldStrategies!: Partial<Record<FieldKey, ConflictStrategy>>;
  mappedFields!: FieldKey[];
  allowsShareable!: boolean;
  /** Tickets matching any of these are linked here once, when created or when a change makes them match. */
  linkRules!: LinkRule[];
  syncMode!: SyncMode;
  pollIntervalSeconds!: number;
  webhookSecret!: string;
  previousWebhookSecret!: string | null;
  previousSecretValidUntil!: Date | null;
  handshakeStatus!: HandshakeStatus;
  consecutiveFailures!: number;
  lastError!: string | null;
  lastErrorAt!: Date | null;
  /** Until when the external API asked us to wait (429 Retry-After); null when not limited. */
  rateLimitedUntil!: Date | null;
  /** The adapter's cursor for fetching changes since the last poll. */
  cursor!: string | null;
  lastSyncedAt!: Date | null;
  /** When the scheduler last started a polling session. */
  lastPolledAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  /** A project that passed its adapter's connection test: active, awaiting a handshake if it sends webhooks. */
  static connect(input: ConnectProjectInput): ExternalProject {
    const project = new ExternalProject();
    const now = new Date(input.nowMs);
    Object.assign(project, {
      id: input.id,
      name: requireName(input.name),
      kind: input.kind,
      status: 'active',
      direction: input.direction,
      config: input.config,
      sealedCredentials: input.sealedCredentials,
      defaultStrategy: input.defaultStrategy,
      fieldStrategies: { ...input.fieldStrategies },
      mappedFields: [...(input.mappedFields ?? mirroredFields)],
      allowsShareable: input.allowsShareable ?? true,
      linkRules: [...(input.linkRules ?? [])],
      syncMode: input.syncMode,
      pollIntervalSeconds: requireInterval(input.pollIntervalSeconds),
      webhookSecret: input.webhookSecret,
      previousWebhookSecret: null,
      previousSecretValidUntil: null,
      handshakeStatus: input.receivesWebhooks ? 'pending' : 'none',
      consecutiveFailures: 0,
      lastError: null,
      lastErrorAt: null,
      rateLimitedUntil: null,
      cursor: null,
      lastSyncedAt: null,
      lastPolledAt: null,
      createdAt: now,
      updatedAt: now,
    } satisfies Omit<ExternalProject, keyof ExternalProjectMethods>);
    return project;
  }

  /**
   * A peer connection offered to another hub: nothing flows until the other hub accepts, so the
   * project stays `configuring` with a pending handshake.
   */
  static invite(input: Omit<ConnectProjectInput, 'receivesWebhooks' | 'syncMode' | 'pollIntervalSeconds'>): ExternalProject {
    const project = ExternalProject.connect({ ...input, receivesWebhooks: true, syncMode: 'webhook', pollIntervalSeconds: 60 });
    project.status = 'configuring';
    return project;
  }

  /** Both sides of a peer connection know each other now: the project becomes active. */
  completeHandshake(config: Record<string, JsonValue>, sealedCredentials: string, nowMs: number): void {
    if (this.status !== 'configuring') throw new ProjectStateError(`project ${this.id} is ${this.status}; its handshake is already done`);
    this.config = config;
    this.sealedCredentials = sealedCredentials;
    this.status = 'active';
    this.handshakeStatus = 'active';
    this.updatedAt = new Date(nowMs);
  }

  /**
   * The same peer completes the handshake again (its first answer was lost): its details replace
   * the earlier ones. Only an active peer project can be confirmed again.
   */
  confirmHandshakeAgain(config: Record<string, JsonValue>, sealedCredentials: string, nowMs: number): void {
    if (this.kind !== 'lockstep_peer' || this.handshakeStatus !== 'active') {
      throw new ProjectStateError(`project ${this.id} has no completed handshake to confirm again`);
    }
    this.config = config;
    this.sealedCredentials = sealedCredentials;
    this.updatedAt = new Date(nowMs);
  }

  /** The rules the sync functions apply for this project. */
  policy(): ProjectPolicy {
    return {
      projectId: this.id,
      direction: this.isSyncing() ? this.direction : 'disabled',
      allowsShareable: this.allowsShareable,
      mappedFields: this.mappedFields,
      defaultStrategy: this.defaultStrategy,
      fieldStrategies: this.fieldStrategies,
    };
  }

  /** True when changes flow (active, or in error but still retrying); paused and disconnected hold them. */
  isSyncing(): boolean {
    return this.status === 'active' || this.status === 'error';
  }

  /** Applies an admin's changes; new credentials take a disconnected project back to active. */
  update(changes: ProjectChanges, nowMs: number): void {
    if (changes.name !== undefined) this.name = requireName(changes.name);
    if (changes.direction !== undefined) this.direction = changes.direction;
    if (changes.config !== undefined) this.config = changes.config;
    if (changes.defaultStrategy !== undefined) this.defaultStrategy = changes.defaultStrategy;
    if (changes.fieldStrategies !== undefined) this.fieldStrategies = { ...changes.fieldStrategies };
    if (changes.mappedFields !== undefined) this.mappedFields = [...changes.mappedFields];
    if (changes.allowsShareable !== undefined) this.allowsShareable = changes.allowsShareable;
    if (changes.linkRules !== undefined) this.linkRules = [...changes.linkRules];
    if (changes.syncMode !== undefined) this.syncMode = changes.syncMode;
    if (changes.pollIntervalSeconds !== undefined) this.pollIntervalSeconds = requireInterval(changes.pollIntervalSeconds);
    if (changes.sealedCredentials !== undefined) {
      this.sealedCredentials = changes.sealedCredentials;
      if (this.status === 'disconnected') this.reactivate();
    }
    this.updatedAt = new Date(nowMs);
  }

  /** Stops syncing until resumed; changes made meanwhile are caught up on resume. */
  pause(nowMs: number): void {
    if (this.status === 'paused') return;
    if (this.status === 'disconnected') throw new ProjectStateError(`project ${this.id} is disconnected; update its credentials instead`);
    this.status = 'paused';
    this.updatedAt = new Date(nowMs);
  }

  /** Resumes a paused project. */
  resume(nowMs: number): void {
    if (this.status === 'active') return;
    if (this.status !== 'paused') throw new ProjectStateError(`project ${this.id} is ${this.status}, not paused`);
    this.reactivate();
    this.updatedAt = new Date(nowMs);
  }

  /** A call to the external system failed; after repeated failures the project shows `error`. */
  recordFailure(message: string, nowMs: number): void {
    this.consecutiveFailures += 1;
    this.lastError = message;
    this.lastErrorAt = new Date(nowMs);
    if (this.status === 'active' && this.consecutiveFailures >= failuresBeforeError) this.status = 'error';
  }

  /**
   * A call succeeded: failures reset, and a project in `error` is active again. `lastSyncedAt`
   * moves at most once a second, so a busy project's row is not rewritten by every push.
   */
  recordSuccess(nowMs: number): void {
    if (this.consecutiveFailures !== 0) this.consecutiveFailures = 0;
    if (this.status === 'error') this.status = 'active';
    if (this.syncedAtDue(nowMs)) this.lastSyncedAt = new Date(nowMs);
  }

  /** True when `recordSuccess(nowMs)` would change anything (so a caller holding a copy may skip writing). */
  successWouldChange(nowMs: number): boolean {
    return this.consecutiveFailures !== 0 || this.status === 'error' || this.syncedAtDue(nowMs);
  }

  /** `lastSyncedAt` moves at most once per `lastSyncedResolutionMs` (and when the clock went back). */
  private syncedAtDue(nowMs: number): boolean {
    const last = this.lastSyncedAt?.getTime();
    return last === undefined || nowMs - last >= lastSyncedResolutionMs || nowMs < last;
  }

  /** The external system refused our credentials: nothing more is attempted until they change. */
  disconnect(reason: string, nowMs: number): void {
    this.status = 'disconnected';
    this.lastError = reason;
    this.lastErrorAt = new Date(nowMs);
  }

  /** The external API asked us to wait until `untilMs`. */
  rateLimit(untilMs: number): void {
    const until = new Date(untilMs);
    if (this.rateLimitedUntil === null || this.rateLimitedUntil < until) this.rateLimitedUntil = until;
  }

  /** Issues a new webhook secret; the old one keeps working for `graceMs`. */
  rotateWebhookSecret(newSecret: string, nowMs: number, graceMs = defaultSecretGraceMs): void {
    this.previousWebhookSecret = this.webhookSecret;
    this.previousSecretValidUntil = new Date(nowMs + graceMs);
    this.webhookSecret = newSecret;
    this.updatedAt = new Date(nowMs);
  }

  /** The secrets a delivery may be signed with right now (current first). */
  acceptedWebhookSecrets(nowMs: number): string[] {
    const previousValid =
      this.previousWebhookSecret !== null && this.previousSecretValidUntil !== null && this.previousSecretValidUntil.getTime() > nowMs;
    return previousValid ? [this.webhookSecret, this.previousWebhookSecret as string] : [this.webhookSecret];
  }

  /** A delivery passed verification: the other side can reach us. */
  recordVerifiedDelivery(): void {
    if (this.handshakeStatus === 'pending') this.handshakeStatus = 'active';
  }

  private reactivate(): void {
    this.status = 'active';
    this.consecutiveFailures = 0;
  }
}

type ExternalProjectMethods = {
  [K in keyof ExternalProject as ExternalProject[K] extends (...args: never[]) => unknown ? K : never]: ExternalProject[K];
};

function requireName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw new ProjectStateError('name: must be 1-200 characters');
  return trimmed;
}

function requireInterval(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 5 || seconds > 86_400) {
    throw new ProjectStateError('pollIntervalSeconds: must be a whole number between 5 and 86400');
  }
  return seconds;
}
