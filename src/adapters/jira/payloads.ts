// The Jira JSON Lockstep reads, as zod schemas parsed at the edge: webhook bodies (Jira Cloud's
// `jira:issue_*` and `comment_*` events) and the REST v3 answers the session uses (issue, enhanced
// JQL search, transitions, created issue, myself, project). Only the fields we use are declared;
// everything else Jira sends is ignored, so new Jira fields never break a sync.

import { z } from 'zod';
import type { JiraIssueFields } from './mapping.ts';

const id = z.union([z.string(), z.number()]).transform(String);

/** Jira's timestamps (`2024-05-01T10:00:00.000+0000`) as epoch ms; refuses what is not one. */
export const jiraTimestamp = z.string().transform((value, ctx) => {
  const ms = parseJiraTime(value);
  if (ms === undefined) {
    ctx.issues.push({ code: 'custom', message: 'must be a Jira timestamp', input: value });
    return z.NEVER;
  }
  return ms;
});

/** Epoch ms of a Jira timestamp (`+0000` offsets accepted), or undefined. */
export function parseJiraTime(value: string): number | undefined {
  const iso = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

const statusSchema = z.object({
  name: z.string(),
  id: id.optional(),
  statusCategory: z.object({ key: z.string() }).partial().optional(),
});

const userSchema = z.object({ accountId: z.string().min(1), displayName: z.string().optional() });

/** Custom field values, by Jira field id, gathered into `custom` (the other unknown fields are ignored). */
function gatherCustomFields(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const custom = Object.fromEntries(Object.entries(input).filter(([key]) => /^customfield_\d+$/.test(key)));
  return { ...input, custom };
}

/**
 * The issue fields we read; an ADF object or (webhooks in REST v2 shape) a wiki string as
 * description; custom field values raw in `custom` (custom-fields.ts reads them by their shape).
 */
export const issueFieldsSchema = z.preprocess(gatherCustomFields, z.object({
  summary: z.string().optional(),
  description: z.union([z.record(z.string(), z.unknown()), z.string(), z.null()]).optional(),
  status: statusSchema.optional(),
  priority: z.object({ name: z.string() }).nullable().optional(),
  labels: z.array(z.string()).optional(),
  assignee: userSchema.nullable().optional(),
  issuetype: z.object({ name: z.string() }).optional(),
  updated: jiraTimestamp.optional(),
  created: jiraTimestamp.optional(),
  custom: z.record(z.string(), z.unknown()).optional(),
}));

/** A Jira issue as REST v3 and webhooks give it. */
export const issueSchema = z.object({
  id,
  // The key goes into URLs (browse links, REST paths): only keys as Jira hands them out (OPS-12).
  key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*-\d+$/, { error: 'must be an issue key like OPS-12' }),
  self: z.string().optional(),
  fields: issueFieldsSchema.default({}),
  /** Issue properties, when a search asked for them (`properties=lockstep`). */
  properties: z.record(z.string(), z.unknown()).optional(),
});

/** A parsed Jira issue. */
export type JiraIssue = z.output<typeof issueSchema>;

const changelogItemSchema = z.object({
  field: z.string(),
  fieldId: z.string().optional(),
  fromString: z.string().nullable().optional(),
  toString: z.string().nullable().optional(),
});

/**
 * A comment as REST v3 answers it (body ADF) or as a webhook carries it (REST v2 shape: the body
 * is wiki markup text, which the connector does not read; it fetches the comment instead).
 */
export const commentSchema = z.object({
  id,
  body: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  author: userSchema.partial().optional(),
  updateAuthor: userSchema.partial().optional(),
  created: jiraTimestamp.optional(),
  updated: jiraTimestamp.optional(),
  /** Set when the comment is restricted to a role or group. */
  visibility: z.object({ type: z.string().optional(), value: z.string().optional() }).nullable().optional(),
  /** Jira Service Management: false for an internal note. */
  jsdPublic: z.boolean().optional(),
});

/** The webhook body of Jira's issue and comment events. */
export const webhookBodySchema = z.object({
  webhookEvent: z.string().min(1),
  timestamp: z.number().int().positive(),
  issue_event_type_name: z.string().optional(),
  user: userSchema.partial().optional(),
  issue: issueSchema.optional(),
  changelog: z.object({ id, items: z.array(changelogItemSchema).default([]) }).optional(),
  comment: commentSchema.optional(),
});

/** A parsed comment. */
export type JiraComment = z.output<typeof commentSchema>;

/** `GET /rest/api/3/issue/{key}/comment` answer. */
export const commentPageSchema = z.object({
  comments: z.array(commentSchema).default([]),
  startAt: z.number().optional(),
  total: z.number().optional(),
});

/** `GET /rest/api/3/comment/{id}/properties/{key}` answer. */
export const entityPropertySchema = z.object({ key: z.string(), value: z.unknown() });

/** A parsed webhook body. */
export type JiraWebhookBody = z.output<typeof webhookBodySchema>;

/** `POST /rest/api/3/issue` answer. */
export const createdIssueSchema = z.object({ id, key: z.string().min(1), self: z.string().optional() });

/** `GET /rest/api/3/search/jql` answer (enhanced search, token paging). */
export const searchPageSchema = z.object({
  issues: z.array(issueSchema).default([]),
  nextPageToken: z.string().nullable().optional(),
  isLast: z.boolean().optional(),
});

/** One transition available from an issue's current status. */
export const transitionSchema = z.object({ id, name: z.string(), to: statusSchema });

/** `GET /rest/api/3/issue/{key}/transitions` answer. */
export const transitionsSchema = z.object({ transitions: z.array(transitionSchema).default([]) });

/** A parsed transition. */
export type JiraTransition = z.output<typeof transitionSchema>;

/** `GET /rest/api/3/myself` answer. */
export const myselfSchema = z.object({ accountId: z.string().optional(), displayName: z.string().optional(), timeZone: z.string().optional() });

/** `GET /rest/api/3/field` answer: every field of the site with its schema (custom field types). */
export const fieldListSchema = z.array(
  z.object({
    id: z.string().min(1),
    name: z.string().optional(),
    schema: z.object({ type: z.string(), items: z.string().optional(), custom: z.string().optional() }).optional(),
  }),
);

/** `GET /rest/api/3/project/{key}` answer. */
export const projectSchema = z.object({ id, key: z.string(), name: z.string().optional() });

/** The fields of a parsed issue in the shape mapping.ts reads. */
export function mappingFields(fields: JiraIssue['fields']): JiraIssueFields {
  const out: { -readonly [K in keyof JiraIssueFields]: JiraIssueFields[K] } = {};
  if (fields.summary !== undefined) out.summary = fields.summary;
  // A string description is REST v2 wiki markup (webhooks): not ADF, so not read here.
  if (fields.description !== undefined && typeof fields.description !== 'string') out.description = fields.description;
  if (fields.status) out.status = { name: fields.status.name, category: fields.status.statusCategory?.key };
  if (fields.priority !== undefined) out.priority = fields.priority;
  if (fields.labels !== undefined) out.labels = fields.labels;
  if (fields.assignee !== undefined) out.assignee = fields.assignee;
  if (fields.custom && Object.keys(fields.custom).length > 0) out.custom = fields.custom;
  return out;
}

/** Whether the issue came in REST v2 shape (webhooks), where rich text is wiki markup rather than ADF. */
export function isRestV2Shape(issue: JiraIssue): boolean {
  return issue.self?.includes('/rest/api/2/') === true || hasWikiDescription(issue.fields);
}

/** Whether the issue's description came as wiki markup (REST v2 shape) and must be fetched as ADF. */
export function hasWikiDescription(fields: JiraIssue['fields']): boolean {
  return typeof fields.description === 'string';
}
