// A GITHUB project's settings as the admin types them into `connectExternalProject`: which
// repository, where the API is (github.com, GitHub Enterprise Server, or the simulator), which labels
// stand for hub statuses and priorities, and who is who; plus the credentials, a token (personal or
// fine-grained) or a GitHub App installation. Parsed on connect and again whenever a session opens.

import { describeSettings } from '#adapters/shared/settings-schemas.ts';
import { z } from 'zod';
import { priorities, type Priority, type TicketStatus } from '#domain/ticket/fields.ts';
import { expected, httpUrl, nonEmptyString, parseSettings } from '#adapters/shared/parsing.ts';

/** The hub statuses an open issue can stand for (closed ones follow `state_reason`). */
export const openStatuses = [
  'open',
  'acknowledged',
  'in_progress',
  'blocked',
] as const satisfies readonly TicketStatus[];

/** Priority labels when the config names none. */
export const defaultPriorityLabels: Readonly<Record<Priority, string>> = {
  p1: 'P1',
  p2: 'P2',
  p3: 'P3',
  p4: 'P4',
  p5: 'P5',
};

/** `IN_PROGRESS`, `in progress`, `In-Progress` -> `in_progress`. */
const hubSpelling = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** Keys in the API's spelling (`IN_PROGRESS`, `P1`) are taken in the domain's. */
function hubKeys(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [hubSpelling(key), value]));
}

const labelName = z
  .string({ error: expected('a GitHub label name') })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(50, { error: 'GitHub label names hold at most 50 characters' });

/** A map hub value -> label whose keys are among `keys` and whose labels are all different. */
function distinctLabels<K extends string>(keys: readonly [K, ...K[]]) {
  return z
    .preprocess(hubKeys, z.record(z.string(), labelName, { error: 'must be an object: hub value -> label name' }))
    .superRefine((map, ctx) => {
      const seen = new Map<string, string>();
      for (const [key, label] of Object.entries(map)) {
        if (!(keys as readonly string[]).includes(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `is not one of ${keys.join(', ')}` });
          continue;
        }
        const other = seen.get(label.toLowerCase());
        if (other !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: `label "${label}" already stands for ${other}` });
        else seen.set(label.toLowerCase(), key);
      }
    })
    .transform((map) => map as Partial<Record<K, string>>);
}

const githubName = z
  .string({ error: expected('a GitHub owner or repository name') })
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'must be a GitHub name (letters, digits, -, _, .)' });

const configSchema = z
  .object({
    owner: githubName,
    repo: githubName,
    baseUrl: httpUrl.default('https://api.github.com'),
    /** Hub status -> label, for the open statuses (closed issues follow state_reason). */
    statusLabels: distinctLabels(openStatuses).optional(),
    /** Hub priority -> label; defaults P1..P5. */
    priorityLabels: distinctLabels(priorities).optional(),
    /** Hub user -> GitHub login. */
    userMap: z
      .record(nonEmptyString, nonEmptyString, { error: 'must be an object: hub user -> GitHub login' })
      .optional(),
  })
  .superRefine((config, ctx) => {
    const priority = new Set(
      Object.values({ ...defaultPriorityLabels, ...config.priorityLabels }).map((l) => l.toLowerCase()),
    );
    for (const [status, label] of Object.entries(config.statusLabels ?? {}) as Array<[string, string]>) {
      if (priority.has(label.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: ['statusLabels', status],
          message: `label "${label}" is also a priority label`,
        });
    }
  })
  .transform((config): GithubConfig => {
    const out: GithubConfig = {
      owner: config.owner,
      repo: config.repo,
      baseUrl: config.baseUrl.replace(/\/+$/, ''),
      priorityLabels: { ...defaultPriorityLabels, ...config.priorityLabels },
      ...(config.statusLabels ? { statusLabels: config.statusLabels } : {}),
      ...(config.userMap ? { userMap: config.userMap } : {}),
    };
    return out;
  });

const pem = z
  .string({ error: expected('a PEM private key') })
  .refine((text) => /-----BEGIN (RSA )?PRIVATE KEY-----/.test(text), {
    error: 'must be a PEM private key (-----BEGIN ... PRIVATE KEY-----)',
  });

const credentialsSchema = z.union(
  [
    z.object({ token: nonEmptyString }).strict(),
    z
      .object({
        appId: z
          .union([z.number().int().positive(), z.string().trim().regex(/^\d+$/)], {
            error: 'must be the App id (digits)',
          })
          .transform(String),
        privateKey: pem,
        installationId: z
          .union([z.number().int().positive(), z.string().trim().regex(/^\d+$/)], {
            error: 'must be the installation id (digits)',
          })
          .transform(Number),
      })
      .strict(),
  ],
  { error: 'must be {token} (a personal or fine-grained token) or {appId, privateKey, installationId} (a GitHub App)' },
);

/** A GITHUB project's config, normalised. */
export type GithubConfig = {
  readonly owner: string;
  readonly repo: string;
  /** The REST API base, without a trailing slash. */
  readonly baseUrl: string;
  readonly statusLabels?: Partial<Record<TicketStatus, string>>;
  readonly priorityLabels: Readonly<Record<Priority, string>>;
  readonly userMap?: Readonly<Record<string, string>>;
};

/** A token, or a GitHub App installation. */
export type GithubCredentials = z.output<typeof credentialsSchema>;

/** Validated config; throws InvalidConnectorSettings (`config.owner: ...`). */
export function parseGithubConfig(config: unknown): GithubConfig {
  return parseSettings(configSchema, config, 'config');
}

/** Validated credentials; throws InvalidConnectorSettings naming the problem. */
export function parseGithubCredentials(credentials: unknown): GithubCredentials {
  return parseSettings(credentialsSchema, credentials, 'credentials');
}

/** The JSON Schema of this connector's config and credentials (the console's connect form). */
export const githubSettingsSchemas = describeSettings(configSchema, credentialsSchema);
