// Lockstep's configuration, read once from the environment and validated with zod, so that a bad
// value stops the start with one line naming the variable instead of failing later, deep inside.
import { z } from 'zod';
import { urlCredentials, redactUrl } from './redact.ts';

const port = z.coerce
  .number({ error: 'must be an integer between 0 and 65535' })
  .int('must be an integer between 0 and 65535')
  .min(0, 'must be an integer between 0 and 65535')
  .max(65535, 'must be an integer between 0 and 65535');

const url = (protocols: readonly string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/lockstep'),
  NATS_URL: url(['nats:', 'tls:']).default('nats://127.0.0.1:4222'),
  PORT: port.default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOCKSTEP_PUBLIC_URL: url(['http:', 'https:']).optional(),
  LOCKSTEP_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOCKSTEP_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOCKSTEP_PREVIOUS_SECRET_KEYS: z.string().optional(),
  LOCKSTEP_NATS_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be lower-case letters, digits or _ (at most 32), starting with a letter')
    .default('lockstep'),
  LOCKSTEP_PUSH_MAX_ATTEMPTS: z.coerce.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').default(8),
  LOCKSTEP_PUSH_BACKOFF_MS: z.coerce.number().int().min(1, 'must be at least 1').max(600_000, 'must be at most 600000').default(250),
  LOCKSTEP_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOCKSTEP_MAX_REQUEST_BYTES: z.coerce.number().int().min(1_024, 'must be at least 1024').default(1_048_576),
  LOCKSTEP_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1, 'must be at least 1').default(50),
  LOCKSTEP_MAX_SUBSCRIPTIONS_PER_TOKEN: z.coerce.number().int().min(1, 'must be at least 1').default(200),
  LOCKSTEP_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Everything Lockstep reads from its environment, validated and defaulted. */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly databaseUrl: string;
  readonly natsUrl: string;
  /** 0 asks the operating system for a free port (tests). */
  readonly port: number;
  /** Address to listen on. */
  readonly host: string;
  /** When set, GET /metrics answers only `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken: string | undefined;
  /** Largest GraphQL request body read. */
  readonly maxRequestBytes: number;
  /** Open subscriptions allowed on one WebSocket, and across every socket of one token. */
  readonly maxSubscriptionsPerConnection: number;
  readonly maxSubscriptionsPerToken: number;
  /** Lets connectors call loopback, private and link-local addresses (simulators, tests). */
  readonly allowPrivateTargets: boolean;
  /** Base of the webhook URLs handed out; derived from the bound port when not given. */
  readonly publicUrl: string | undefined;
  readonly adminToken: string | undefined;
  readonly secretKey: string | undefined;
  /** Earlier secret keys, still accepted to open credentials sealed before a rotation. */
  readonly previousSecretKeys: readonly string[];
  /** Namespace of JetStream streams and subjects, so deployments can share one NATS. */
  readonly natsPrefix: string;
  /** OTLP/HTTP base URL traces are exported to; unset: no traces. */
  readonly otlpEndpoint: string | undefined;
  readonly logLevel: string;
  /** Attempts of an outbound push before it goes to the dead-letter state. */
  readonly pushMaxAttempts: number;
  /** First retry delay of a failed push; doubles with each attempt (with jitter), capped at 60 s. */
  readonly pushBackoffMs: number;
}

/** The start refused because of one bad variable; the message is the one line to print. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const got = environment[variable];
    const secret = variable.includes('TOKEN') || variable.includes('KEY');
    const value = variable.endsWith('_URL') && got !== undefined ? redactUrl(got) : got;
    const shown = secret ? '' : ` (got ${JSON.stringify(value)})`;
    throw new ConfigError(`invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}${shown}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && env.LOCKSTEP_SECRET_KEY === undefined) {
    throw new ConfigError(
      'invalid configuration: LOCKSTEP_SECRET_KEY is required when NODE_ENV=production (it encrypts stored credentials)',
    );
  }
  return {
    env: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    natsUrl: env.NATS_URL,
    port: env.PORT,
    host: env.HOST,
    metricsToken: env.LOCKSTEP_METRICS_TOKEN,
    maxRequestBytes: env.LOCKSTEP_MAX_REQUEST_BYTES,
    maxSubscriptionsPerConnection: env.LOCKSTEP_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    maxSubscriptionsPerToken: env.LOCKSTEP_MAX_SUBSCRIPTIONS_PER_TOKEN,
    allowPrivateTargets: env.LOCKSTEP_ALLOW_PRIVATE_TARGETS === 'true',
    publicUrl: env.LOCKSTEP_PUBLIC_URL?.replace(/\/+$/, ''),
    adminToken: env.LOCKSTEP_ADMIN_TOKEN,
    secretKey: env.LOCKSTEP_SECRET_KEY,
    previousSecretKeys: (env.LOCKSTEP_PREVIOUS_SECRET_KEYS ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key.length > 0),
    natsPrefix: env.LOCKSTEP_NATS_PREFIX,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: env.LOG_LEVEL,
    pushMaxAttempts: env.LOCKSTEP_PUSH_MAX_ATTEMPTS,
    pushBackoffMs: env.LOCKSTEP_PUSH_BACKOFF_MS,
  };
}

/** Every secret the configuration holds, for the logger and error output to mask. */
export function secretsOf(config: Config): string[] {
  return [
    ...urlCredentials(config.databaseUrl),
    ...urlCredentials(config.natsUrl),
    ...[config.adminToken, config.secretKey, config.metricsToken, ...config.previousSecretKeys].filter(
      (value): value is string => value !== undefined,
    ),
  ];
}
