// The one way to build an alert source's connector. A source supplies its kind, its config schema
// (`alertSourceConfigSchema({ ...own keys })`), its severity defaults and `parse`; the factory adds
// the rest: settings errors that name the key, `?secret=`/Bearer/Basic authentication unless the
// source brings its own `verify` (PagerDuty signs), PULL/BIDIRECTIONAL only, and the AlertPolicy
// the alert-group engine reads. `parse(delivery, config)` returns `{ deliveryId, alerts,
// confirmSubscriptionUrl? }` (alerts in hub terms, see alert-report.ts) or throws InvalidDelivery
// naming the problem; `bodyDeliveryId` and `labelsFingerprint` (delivery.ts) cover sources that
// send no delivery id or fingerprint. Sources that write back add `writeBack` (their session, and
// `items` with `alertWhenUnlinked` from parse: PagerDuty, Datadog incidents) or `silences`
// (Alertmanager, Grafana). Registering is one line in src/adapters/registry.ts.

import { z } from 'zod';
import type { JsonValue } from '#domain/json.ts';
import {
  ExternalCallError,
  InvalidConnectorSettings,
  type Connector,
  type ConnectorCapabilities,
  type ConnectionSettings,
  type ConnectorSession,
  type InboundDelivery,
  type SilenceChannel,
} from '#domain/project/connector.ts';
import type { IntegrationKind } from '#domain/project/kinds.ts';
import { describeIssues } from '#adapters/shared/parsing.ts';
import { describeSettings } from '#adapters/shared/settings-schemas.ts';
import { verifySecretDelivery } from './auth.ts';
import { alertPolicyOf, type AlertSourceConfig, type SeverityDefaults } from './config.ts';
import type { AlertDelivery } from './delivery.ts';

/** What a source supplies. */
export interface AlertSourceDefinition<C extends AlertSourceConfig> {
  readonly kind: IntegrationKind;
  /** Built with `alertSourceConfigSchema({...})`; its output is stored as the project's config. */
  readonly configSchema: z.ZodType<C>;
  /** Default: an empty object (the source needs no credentials). */
  readonly credentialsSchema?: z.ZodType<Record<string, unknown>>;
  readonly severityDefaults: SeverityDefaults;
  /** The source's own check (may read the config, be async); default: the secret by `?secret=`, Bearer or Basic. */
  readonly verify?: (
    delivery: InboundDelivery,
    secrets: readonly string[],
    config: C,
  ) => boolean | Promise<boolean>;
  /** The delivery's alerts; throws InvalidDelivery naming the problem. */
  readonly parse: (delivery: InboundDelivery, config: C) => AlertDelivery;
  /** Sources that can mute a group (Alertmanager, Grafana): their silences, or null when not configured. */
  readonly silences?: (config: C, credentials: Record<string, unknown>) => SilenceChannel | null;
  /** Sources that also write back (PagerDuty): what they can do and their session. Default: receive only. */
  readonly writeBack?: {
    readonly capabilities: Pick<ConnectorCapabilities, 'canCreate' | 'canUpdate' | 'conditionalWrites' | 'signingCredential'>;
    readonly open: (config: C, credentials: Record<string, unknown>) => ConnectorSession;
  };
}

const noCredentials = z.strictObject({}, { error: 'must be an empty object (this source needs no credentials)' });

/** Settings `value` parsed by `schema` as the project's `section`, JSON-clean; throws InvalidConnectorSettings. */
function parseSection<T>(schema: z.ZodType<T>, value: unknown, section: 'config' | 'credentials'): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidConnectorSettings(`${section}: must be an object`);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidConnectorSettings(describeIssues(result.error, section));
  return result.data;
}

/** A plain JSON copy (absent optional keys are dropped rather than stored as undefined). */
function toJson(value: unknown): Record<string, JsonValue> {
  return JSON.parse(JSON.stringify(value)) as Record<string, JsonValue>;
}

/** Alert sources receive; they hold no items to read or write. */
function receiveOnlySession(kind: IntegrationKind): ConnectorSession {
  const refuse = async (): Promise<never> => {
    throw new ExternalCallError('rejected', `${kind.toUpperCase()} projects only receive alerts`);
  };
  return {
    testConnection: async () => {},
    fetchChanges: refuse,
    fetchItem: refuse,
    createItem: refuse,
    updateItem: refuse,
  };
}

/** The connector of one alert source. */
export function createAlertSourceConnector<C extends AlertSourceConfig>(source: AlertSourceDefinition<C>): Connector {
  const parseConfig = (config: unknown): C => parseSection(source.configSchema, config, 'config');
  const credentialsSchema = source.credentialsSchema;
  return {
    kind: source.kind,
    capabilities: {
      receivesWebhooks: true,
      canFetch: false,
      canCreate: false,
      canUpdate: false,
      ...source.writeBack?.capabilities,
      syncModes: ['webhook'],
      directions: ['pull', 'bidirectional'],
    },
    parseConfig: (config) => toJson(parseConfig(config)),
    settingsSchemas: describeSettings(source.configSchema, credentialsSchema ?? noCredentials),
    parseCredentials(credentials) {
      return toJson(parseSection(credentialsSchema ?? noCredentials, credentials ?? {}, 'credentials'));
    },
    verifyDelivery: (delivery, secrets, config) =>
      source.verify
        ? source.verify(delivery, secrets, parseConfig(config ?? {}))
        : verifySecretDelivery(delivery, secrets),
    parseDelivery(delivery, config) {
      const parsed = source.parse(delivery, parseConfig(config));
      return {
        deliveryId: parsed.deliveryId,
        items: [...(parsed.items ?? [])],
        alerts: parsed.alerts,
        ...(parsed.confirmSubscriptionUrl !== undefined
          ? { confirmSubscriptionUrl: parsed.confirmSubscriptionUrl }
          : {}),
      };
    },
    open: (settings) => {
      const writeBack = source.writeBack;
      if (!writeBack) return receiveOnlySession(source.kind);
      const credentials = parseSection(credentialsSchema ?? noCredentials, settings.credentials, 'credentials');
      return writeBack.open(parseConfig(settings.config), credentials);
    },
    alertPolicy: (config) => alertPolicyOf(parseConfig(config), source.severityDefaults),
    ...(source.silences
      ? {
          silences: (settings: ConnectionSettings) => {
            const credentials = parseSection(credentialsSchema ?? noCredentials, settings.credentials, 'credentials');
            return source.silences?.(parseConfig(settings.config), credentials) ?? null;
          },
        }
      : {}),
  };
}
