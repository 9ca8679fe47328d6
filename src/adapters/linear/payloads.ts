// The Linear JSON Lockstep reads, as zod schemas parsed at the edge: webhook bodies (data change
// events of type `Issue` and `Comment`, actions create/update/remove) and the answers to the small
// GraphQL documents the session sends (documents.ts). Field names follow Linear's schema
// (`IssueWebhookPayload`, `CommentWebhookPayload`, `EntityWebhookPayload`); only the fields we use
// are declared, so new Linear fields never break a sync.

import { z } from 'zod';

/** An ISO 8601 instant as epoch ms; refuses what is not one. */
export const isoInstant = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.issues.push({ code: 'custom', message: 'must be an ISO 8601 timestamp', input: value });
    return z.NEVER;
  }
  return ms;
});

const stateSchema = z.object({ id: z.string().optional(), name: z.string(), type: z.string() });
const labelSchema = z.object({ id: z.string().optional(), name: z.string() });
const userSchema = z.object({ id: z.string().optional(), name: z.string().optional(), email: z.string().optional() });

/** The data change actions Linear reports. */
export const webhookActions = ['create', 'update', 'remove'] as const;

/** What every data change delivery carries, whatever its type (`EntityWebhookPayload`). */
export const envelopeSchema = z.object({
  type: z.string().min(1),
  action: z.string().min(1),
  /** When Linear sent it (ms since epoch); the replay guard reads it. */
  webhookTimestamp: z.number(),
  createdAt: isoInstant.optional(),
  url: z.string().nullable().optional(),
  actor: userSchema.nullable().optional(),
  data: z.unknown(),
});

/** `data` of an Issue event (`IssueWebhookPayload`): the whole issue after the change. */
export const issueDataSchema = z.object({
  id: z.string().min(1),
  identifier: z.string().optional(),
  url: z.string().optional(),
  title: z.string(),
  /** Markdown; absent or null when empty. */
  description: z.string().nullable().optional(),
  priority: z.number(),
  updatedAt: isoInstant,
  state: stateSchema.optional(),
  team: z.object({ id: z.string().optional(), key: z.string() }).optional(),
  labelIds: z.array(z.string()).optional(),
  labels: z.array(labelSchema).optional(),
  assigneeId: z.string().nullable().optional(),
  assignee: userSchema.nullable().optional(),
});

/** `data` of a Comment event (`CommentWebhookPayload`). */
export const commentDataSchema = z.object({
  id: z.string().min(1),
  body: z.string(),
  issueId: z.string().nullable().optional(),
  issue: z.object({ id: z.string(), team: z.object({ key: z.string() }).optional() }).nullable().optional(),
  createdAt: isoInstant,
  updatedAt: isoInstant,
  user: userSchema.nullable().optional(),
});

/** An Issue delivery. */
export const issueWebhookSchema = envelopeSchema.extend({
  type: z.literal('Issue'),
  action: z.enum(webhookActions, { error: `must be one of ${webhookActions.join(', ')}` }),
  data: issueDataSchema,
});

/** A Comment delivery. */
export const commentWebhookSchema = envelopeSchema.extend({
  type: z.literal('Comment'),
  action: z.enum(webhookActions, { error: `must be one of ${webhookActions.join(', ')}` }),
  data: commentDataSchema,
});

export type LinearIssueData = z.output<typeof issueDataSchema>;
export type LinearCommentData = z.output<typeof commentDataSchema>;

/** An issue as the session's documents read it (`IssueFields` in documents.ts). */
export const issueNodeSchema = z.object({
  id: z.string(),
  identifier: z.string().optional(),
  url: z.string().optional(),
  title: z.string(),
  description: z.string().nullable().optional(),
  priority: z.number(),
  updatedAt: isoInstant,
  state: stateSchema,
  team: z.object({ key: z.string() }).optional(),
  assignee: userSchema.nullable(),
  labels: z.object({ nodes: z.array(labelSchema) }),
});

export type LinearIssueNode = z.output<typeof issueNodeSchema>;

const pageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable().optional() });

/** `issues(...)` answer. */
export const issuesPageSchema = z.object({
  issues: z.object({ nodes: z.array(issueNodeSchema), pageInfo: pageInfoSchema }),
});

/** `issue(id)` answer. */
export const issueAnswerSchema = z.object({ issue: issueNodeSchema });

/** A comment as the session's documents read it. */
export const commentNodeSchema = z.object({
  id: z.string(),
  body: z.string(),
  createdAt: isoInstant,
  updatedAt: isoInstant,
  user: userSchema.nullable().optional(),
  issue: z.object({ id: z.string() }).nullable().optional(),
});

export type LinearCommentNode = z.output<typeof commentNodeSchema>;

/** The team, its workflow states and labels (`TeamContext` in documents.ts). */
export const teamContextSchema = z.object({
  teams: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        key: z.string(),
        name: z.string().optional(),
        states: z.object({
          nodes: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), position: z.number() })),
        }),
        labels: z.object({ nodes: z.array(z.object({ id: z.string(), name: z.string() })) }),
      }),
    ),
  }),
});

export type LinearTeamContext = z.output<typeof teamContextSchema>['teams']['nodes'][number];
