// Connecting and running external projects: the adapter validates config and credentials and
// tests the connection before anything is stored; credentials are sealed; lifecycle changes go
// through the ExternalProject aggregate and are committed with their events.
import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { ConflictStrategy } from '#domain/conflict/conflict.ts';
import { ExternalCallError, type Connector, type ConnectionSettings } from '#domain/project/connector.ts';
import { ExternalProject, type ProjectChanges } from '#domain/project/external-project.ts';
import type { IntegrationKind, SyncMode } from '#domain/project/kinds.ts';
import type { LinkRule } from '#domain/rules/link-rule.ts';
import type { SyncDirection } from '#domain/sync/policy.ts';
import { customFieldName, mirroredFields, type FieldKey } from '#domain/ticket/fields.ts';
import { BadInputError, NotFoundError } from './errors.ts';
import { privateTargetProblem, urlsIn } from '#adapters/shared/outbound-targets.ts';
import type { CredentialVault } from '#infra/crypto/credential-vault.ts';
import type { UnitOfWork } from '#infra/persistence/unit-of-work.ts';
import type { JsonValue } from '#domain/json.ts';
import type { DomainEvent } from '#domain/events.ts';
import { isHubId, newHubId } from './ids.ts';
import { requireRuleOrigins } from './link-rule-origins.ts';
import { keyset, type KeysetPage } from './keyset.ts';
import { createPlainReads } from '#infra/persistence/plain-reads.ts';
import type { ProjectCache } from './project-cache.ts';

/** Finds the connector of a kind. */
export interface ConnectorLookup {
  get(kind: IntegrationKind): Connector | undefined;
}

/** What `connectExternalProject` accepts (already parsed from GraphQL). */
export interface ConnectInput {
  readonly name: string;
  readonly kind: IntegrationKind;
  readonly direction: SyncDirection;
  readonly config: unknown;
  readonly credentials: unknown;
  readonly defaultStrategy: ConflictStrategy;
  readonly fieldStrategies: Partial<Record<FieldKey, ConflictStrategy>>;
  readonly mappedFields?: readonly FieldKey[];
  readonly allowsShareable?: boolean;
  readonly linkRules?: readonly LinkRule[];
  readonly syncMode?: SyncMode;
  readonly pollIntervalSeconds?: number;
}

/** What `updateExternalProject` accepts; config and credentials are re-validated and re-tested. */
export type UpdateInput = Omit<ProjectChanges, 'config' | 'sealedCredentials'> & { readonly config?: unknown; readonly credentials?: unknown };

/** The project use cases. */
export interface ProjectService {
  connect(input: ConnectInput): Promise<ExternalProject>;
  update(id: string, input: UpdateInput): Promise<ExternalProject>;
  pause(id: string): Promise<ExternalProject>;
  resume(id: string): Promise<ExternalProject>;
  rotateWebhookSecret(id: string): Promise<ExternalProject>;
  get(id: string): Promise<ExternalProject | null>;
  /** A read-only copy for hot paths: this process's changes show at once, another's within a second. */
  recent(id: string): Promise<ExternalProject | null>;
  require(id: string): Promise<ExternalProject>;
  /** Many projects in one query, by id (ids that name none are left out). */
  getMany(ids: readonly string[]): Promise<Map<string, ExternalProject>>;
  list(page: KeysetPage): Promise<ExternalProject[]>;
  /** The connector of a kind; throws BadInputError when this build has none. */
  connectorOf(kind: IntegrationKind): Connector;
  /** The connector and opened settings of a project (credentials unsealed in memory only). */
  settingsOf(project: ExternalProject): { connector: Connector; settings: ConnectionSettings };
}

const configured = (project: ExternalProject): DomainEvent => ({
  type: 'project.configured',
  projectId: project.id,
  at: new Date().toISOString(),
  status: project.status,
});

/** A fresh webhook secret: 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Explains why the side refused the connection test, for the admin who configured it. */
function describeTestFailure(kind: IntegrationKind, error: unknown): BadInputError {
  if (error instanceof ExternalCallError) {
    const reason =
      error.kind === 'unauthorized'
        ? 'the credentials were refused'
        : error.kind === 'not_found'
          ? 'the configured project or resource was not found'
          : error.kind === 'unavailable'
            ? 'the service could not be reached'
            : error.kind === 'rate_limited'
              ? 'the service is rate limiting us; try again later'
              : 'the service refused the request';
    return new BadInputError(`connection test failed: ${reason} (${kind}: ${error.message})`);
  }
  return new BadInputError(`connection test failed (${kind}): ${error instanceof Error ? error.message : String(error)}`);
}

/** The fields `config` adds to the mirrored set (its configured custom fields); [] when it cannot say. */
function configuredFields(connector: Connector, config: ConnectionSettings['config']): FieldKey[] {
  try {
    return connector.configuredFields?.(config) ?? [];
  } catch {
    return []; // a stored config that no longer parses adds nothing (sessions report the problem)
  }
}

/** Refuses custom fields in `mapped` that a connector which maps custom fields in its config does not map. */
function requireConfigured(connector: Connector, config: ConnectionSettings['config'], mapped: readonly FieldKey[]): void {
  if (!connector.configuredFields) return;
  const mapsNow = configuredFields(connector, config);
  const missing = mapped.filter((field) => customFieldName(field) !== undefined && !mapsNow.includes(field));
  if (missing.length === 0) return;
  const known = mapsNow.length > 0 ? mapsNow.join(', ') : 'none';
  throw new BadInputError(`mappedFields: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not mapped by config.customFields (configured: ${known})`);
}

/** Refuses a direction the connector does not support (alert sources only pull). */
function requireDirection(connector: Connector, direction: SyncDirection | undefined): void {
  const allowed = connector.capabilities.directions;
  if (direction === undefined || direction === 'disabled' || !allowed || allowed.includes(direction)) return;
  const names = allowed.map((d) => d.toUpperCase()).join(' or ');
  const kind = connector.kind.toUpperCase();
  throw new BadInputError(`direction: ${kind} projects take ${names}, not ${direction.toUpperCase()}`);
}

/** `mapped` with the custom fields a config change dropped removed and the ones it added appended. */
function followConfig(mapped: readonly FieldKey[], before: readonly FieldKey[], after: readonly FieldKey[]): FieldKey[] {
  const kept = mapped.filter((field) => !before.includes(field) || after.includes(field));
  return [...kept, ...after.filter((field) => !before.includes(field) && !kept.includes(field))];
}

/** Refuses a config that points the connector at a loopback, private or link-local address. */
async function requirePublicTargets(config: unknown): Promise<void> {
  for (const { path, url } of urlsIn(config)) {
    const problem = await privateTargetProblem(url);
    if (problem) throw new BadInputError(`${path}: ${problem}`);
  }
}

/** Project service over `uow`, with connectors from `connectors` and credentials sealed by `vault`. */
export function createProjectService(uow: UnitOfWork, connectors: ConnectorLookup, vault: CredentialVault, cache: ProjectCache): ProjectService {
  // The projects of a page of links are only displayed: read without hydration.
  const plain = createPlainReads(uow.reader());
  const connectorOf = (kind: IntegrationKind): Connector => {
    const connector = connectors.get(kind);
    if (!connector) throw new BadInputError(`kind: ${kind.toUpperCase()} has no connector in this version of Lockstep`);
    return connector;
  };

  async function load(id: string, lock = false, em = uow.reader()): Promise<ExternalProject> {
    const project = isHubId(id) ? await em.findOne(ExternalProject, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) : null;
    if (!project) throw new NotFoundError(`No external project with id "${id}"`);
    return project;
  }

  /** Refuses alert routes to a project that does not exist or cannot receive created items. */
  async function requireRouteTargets(connector: Connector, config: ConnectionSettings['config'], selfId?: string) {
    const routes = connector.alertPolicy?.(config).routes ?? [];
    for (const [index, route] of routes.entries()) {
      const at = `config.routes[${index}].targetProjectId`;
      const id = route.targetProjectId;
      const target = isHubId(id) ? await uow.reader().findOne(ExternalProject, { id }) : null;
      if (!target) throw new BadInputError(`${at}: no external project with id "${route.targetProjectId}"`);
      if (target.id === selfId) throw new BadInputError(`${at}: a project cannot route alerts to itself`);
      if (!connectors.get(target.kind)?.capabilities.canCreate) {
        throw new BadInputError(`${at}: project ${target.name} (${target.kind.toUpperCase()}) cannot create items`);
      }
      if (target.direction !== 'push' && target.direction !== 'bidirectional') {
        const direction = target.direction.toUpperCase();
        throw new BadInputError(`${at}: project ${target.name} does not accept pushes (direction ${direction})`);
      }
    }
  }

  /** Refuses rules for a kind that cannot create items, or naming an origin project that does not exist. */
  async function requireLinkRules(connector: Connector, rules: readonly LinkRule[] | undefined): Promise<void> {
    if (!rules || rules.length === 0) return;
    if (!connector.capabilities.canCreate) throw new BadInputError(`linkRules: ${connector.kind.toUpperCase()} projects cannot create items`);
    await requireRuleOrigins(uow.reader(), rules);
  }

  /** Loads under a row lock, applies `change`, commits with a `project.configured` event. */
  const change = (id: string, apply: (project: ExternalProject) => Promise<void> | void) =>
    uow.run(async (em) => {
      const project = await load(id, true, em);
      await apply(project);
      return { result: project, events: [configured(project)] };
    });

  const service: ProjectService = {
    async connect(input) {
      if (input.kind === 'lockstep_peer') {
        throw new BadInputError('kind: LOCKSTEP_PEER projects are made with createConnectionInvitation and acceptConnectionInvitation');
      }
      const connector = connectorOf(input.kind);
      requireDirection(connector, input.direction);
      const config = connector.parseConfig(input.config);
      const credentials = connector.parseCredentials(input.credentials);
      await requireRouteTargets(connector, config);
      await requireLinkRules(connector, input.linkRules);
      // Configured custom fields are mirrored by default; an explicit list wins.
      if (input.mappedFields) requireConfigured(connector, config, input.mappedFields);
      const added = configuredFields(connector, config);
      const mappedFields = input.mappedFields ?? (added.length > 0 ? [...mirroredFields, ...added] : undefined);
      const id = newHubId();
      await requirePublicTargets(config);
      try {
        await connector.open({ projectId: id, config, credentials }).testConnection(AbortSignal.timeout(15_000));
      } catch (error) {
        throw describeTestFailure(input.kind, error);
      }
      const syncMode = input.syncMode ?? connector.capabilities.syncModes[0] ?? 'webhook';
      if (!connector.capabilities.syncModes.includes(syncMode)) {
        throw new BadInputError(`syncMode: ${input.kind.toUpperCase()} supports ${connector.capabilities.syncModes.join(', ')}`);
      }
      return uow.run(async (em) => {
        const project = ExternalProject.connect({
          id,
          name: input.name,
          kind: input.kind,
          direction: input.direction,
          config,
          sealedCredentials: vault.seal(credentials),
          defaultStrategy: input.defaultStrategy,
          fieldStrategies: input.fieldStrategies,
          ...(mappedFields ? { mappedFields } : {}),
          ...(input.allowsShareable !== undefined ? { allowsShareable: input.allowsShareable } : {}),
          ...(input.linkRules !== undefined ? { linkRules: input.linkRules } : {}),
          syncMode,
          pollIntervalSeconds: input.pollIntervalSeconds ?? 60,
          webhookSecret: newWebhookSecret(),
          receivesWebhooks: connector.capabilities.receivesWebhooks,
          nowMs: Date.now(),
        });
        em.persist(project);
        return { result: project, events: [configured(project)] };
      });
    },

    async update(id, input) {
      const current = await load(id);
      const connector = connectorOf(current.kind);
      const config = input.config === undefined ? undefined : connector.parseConfig(input.config);
      const credentials = input.credentials === undefined ? undefined : connector.parseCredentials(input.credentials);
      requireDirection(connector, input.direction);
      if (config !== undefined) await requireRouteTargets(connector, config, id);
      await requireLinkRules(connector, input.linkRules);
      if (config !== undefined) await requirePublicTargets(config);
      if (config !== undefined || credentials !== undefined) {
        const settings = service.settingsOf(current).settings;
        try {
          await connector
            .open({ projectId: id, config: config ?? settings.config, credentials: credentials ?? settings.credentials })
            .testConnection(AbortSignal.timeout(15_000));
        } catch (error) {
          throw describeTestFailure(current.kind, error);
        }
      }
      if (input.syncMode !== undefined && !connector.capabilities.syncModes.includes(input.syncMode)) {
        throw new BadInputError(`syncMode: ${current.kind.toUpperCase()} supports ${connector.capabilities.syncModes.join(', ')}`);
      }
      const { config: _config, credentials: _credentials, mappedFields: explicit, ...rest } = input;
      if (explicit) requireConfigured(connector, config ?? current.config, explicit);
      const followed = config === undefined ? undefined : followConfig(current.mappedFields, configuredFields(connector, current.config), configuredFields(connector, config));
      const mappedFields = explicit ?? followed;
      const changes: ProjectChanges = {
        ...rest,
        ...(mappedFields !== undefined ? { mappedFields } : {}),
        ...(config !== undefined ? { config } : {}),
        ...(credentials !== undefined ? { sealedCredentials: vault.seal(credentials) } : {}),
      };
      return change(id, (project) => project.update(changes, Date.now()));
    },

    pause: (id) => change(id, (project) => project.pause(Date.now())),
    resume: (id) => change(id, (project) => project.resume(Date.now())),
    rotateWebhookSecret: (id) => change(id, (project) => project.rotateWebhookSecret(newWebhookSecret(), Date.now())),

    get: async (id) => (isHubId(id) ? uow.reader().findOne(ExternalProject, { id }) : null),
    recent: async (id) => (isHubId(id) ? cache.get(id) : null),
    require: (id) => load(id),
    async getMany(ids) {
      const valid = ids.filter(isHubId);
      const found = valid.length > 0 ? await plain.all(ExternalProject, 'select * from external_projects where id = any($1::uuid[])', [valid]) : [];
      return new Map(found.map((project) => [project.id, project]));
    },

    list(page) {
      const { where, orderBy, limit } = keyset('createdAt', page);
      return uow.reader().find(ExternalProject, { $and: where }, { orderBy, limit });
    },

    connectorOf,

    settingsOf(project) {
      const connector = connectorOf(project.kind);
      const credentials = vault.open(project.sealedCredentials) as Record<string, JsonValue>;
      return { connector, settings: { projectId: project.id, config: project.config, credentials } };
    },
  };
  return service;
}
