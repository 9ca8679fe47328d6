// The GitHub JSON Lockstep reads, as zod schemas parsed at the edge: the REST answers the session
// uses (repository, issue, issue comment, label, installation token) and the webhook bodies of the
// `issues`, `issue_comment` and `ping` events. Webhooks carry the same issue and comment objects as
// REST, so one schema serves both. Only the fields we use are declared; the rest is ignored.
// Shapes follow GitHub's OpenAPI description (@octokit/openapi-types `issue`, `issue-comment`) and
// the sample deliveries of octokit/webhooks (payload-examples/api.github.com/*).

import { z } from 'zod';
import { ExternalCallError } from '#domain/project/connector.ts';

/** An ISO 8601 instant (`2019-05-15T15:20:18Z`) as epoch ms; refuses what is not one. */
export const githubTimestamp = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.issues.push({ code: 'custom', message: 'must be an ISO 8601 timestamp', input: value });
    return z.NEVER;
  }
  return ms;
});

const userSchema = z.object({ login: z.string().min(1) });

/** A label as issues carry it: an object, or (in some answers) its bare name. */
const labelSchema = z.union([z.object({ name: z.string() }), z.string().transform((name) => ({ name }))]);

/** An issue (or a pull request, which the Issues API reports with `pull_request` set). */
export const issueSchema = z.object({
  number: z.number().int().positive(),
  html_url: z.string().optional(),
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.enum(['open', 'closed'], { error: 'must be open or closed' }),
  state_reason: z.string().nullable().optional(),
  labels: z.array(labelSchema).default([]),
  assignee: userSchema.nullable().optional(),
  assignees: z.array(userSchema).nullable().optional(),
  pull_request: z.object({}).passthrough().nullable().optional(),
  created_at: githubTimestamp,
  updated_at: githubTimestamp,
});
export type GithubIssue = z.output<typeof issueSchema>;

export const issueListSchema = z.array(issueSchema);

/** A comment on an issue. */
export const commentSchema = z.object({
  id: z.number().int().positive(),
  body: z.string().nullable().optional(),
  user: userSchema.nullable().optional(),
  created_at: githubTimestamp,
  updated_at: githubTimestamp,
});
export type GithubComment = z.output<typeof commentSchema>;

export const commentListSchema = z.array(commentSchema);

/** A repository label. */
export const repoLabelSchema = z.object({ name: z.string() });
export const repoLabelListSchema = z.array(repoLabelSchema);

/** A repository, with what the caller may do to it (absent for anonymous callers). */
export const repositorySchema = z.object({
  full_name: z.string(),
  has_issues: z.boolean().optional(),
  permissions: z
    .object({ admin: z.boolean().optional(), push: z.boolean().optional(), triage: z.boolean().optional() })
    .partial()
    .optional(),
});

/** The webhook events Lockstep reads; every other event is acknowledged and ignored. */
export const handledEvents = ['issues', 'issue_comment', 'ping'] as const;

/** The repository a delivery is about (an App's webhook reports every repository it is installed on). */
const eventRepositorySchema = z.object({ full_name: z.string() });

/** An `issues` delivery (opened, edited, closed, reopened, labeled, assigned, deleted...). */
export const issuesEventSchema = z.object({
  action: z.string(),
  issue: issueSchema,
  repository: eventRepositorySchema.optional(),
  sender: userSchema.optional(),
});
export type IssuesEvent = z.output<typeof issuesEventSchema>;

/** An `issue_comment` delivery (created, edited, deleted), on an issue or a pull request. */
export const issueCommentEventSchema = z.object({
  action: z.string(),
  issue: issueSchema,
  comment: commentSchema,
  repository: eventRepositorySchema.optional(),
  sender: userSchema.optional(),
});
export type IssueCommentEvent = z.output<typeof issueCommentEventSchema>;

/** The `ping` GitHub sends when a webhook is added. */
export const pingEventSchema = z.object({ zen: z.string().optional(), hook_id: z.number().optional() });

/** A GitHub answer parsed with `schema`; an unexpected body is 'unavailable' naming the call. */
export function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ExternalCallError(
      'unavailable',
      `GitHub answered ${what} with an unexpected body: ${parsed.error.message.slice(0, 200)}`,
    );
  return parsed.data;
}
