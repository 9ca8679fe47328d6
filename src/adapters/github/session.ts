// Calls to GitHub for one connected repository, through Octokit. GitHub rate-limits per token
// (5,000 calls an hour), so costs are kept low: polls list 100 issues a call (poll.ts); an update
// is one PATCH, preceded by one read of the issue only when the write depends on what it holds
// (its labels, or whether its body carries our marker). GitHub has no idempotency key, so a retried
// create first looks for the issue carrying the ticket's marker (marker.ts).

import { ExternalCallError, type ConnectorSession, type OutboundResult } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import type { FieldKey } from '#domain/ticket/fields.ts';
import { createGithubCall, type GithubClientOptions } from './client.ts';
import { issueNumber, openGithubComments } from './comments.ts';
import { createStateKeys, externalIdOf, isPullRequest, itemFromIssue, type StateKeys } from './items.ts';
import { ensureLabels, type LabelKnowledge } from './labels.ts';
import { createGithubMapping, type IssueWrite } from './mapping.ts';
import { hasMarker, withMarker } from './marker.ts';
import { createPoller, type PollEtags } from './poll.ts';
import { issueListSchema, issueSchema, parseAnswer, repositorySchema, type GithubIssue } from './payloads.ts';
import type { GithubConfig, GithubCredentials } from './settings.ts';
import type { Octokit } from '@octokit/rest';

/** Session tuning. */
export interface GithubSessionOptions extends GithubClientOptions {
  /** Issues per list page (GitHub allows up to 100). */
  readonly pageSize?: number;
  /** Repositories whose labels exist (the connector shares one across sessions). */
  readonly labels?: LabelKnowledge;
  /** Keys of the project's issue states (the connector keeps them per project). */
  readonly keys?: StateKeys;
  /** ETags of the project's recent polls (the connector keeps them per project). */
  readonly etags?: PollEtags;
}

/** GitHub's limits on an issue's title and body (characters), and room kept for our marker. */
const maxTitle = 256;
const maxBody = 65_536;
const markerRoom = 100;

/** How many of the newest issues a retried create looks through for its lost copy. */
const lostCreateWindow = 100;

/** A session calling GitHub for the repository `config` names. */
export function openGithubSession(
  config: GithubConfig,
  credentials: GithubCredentials,
  octokit: Promise<Octokit>,
  options: GithubSessionOptions = {},
): ConnectorSession {
  const mapping = createGithubMapping(config);
  const call = createGithubCall(octokit, options);
  const repo = { owner: config.owner, repo: config.repo };
  const labels = options.labels ?? new Set<string>();
  const keys = options.keys ?? createStateKeys();

  async function readIssue(number: number, signal?: AbortSignal): Promise<GithubIssue> {
    const answer = await call(
      `GET issue #${number}`,
      (o, request) => o.rest.issues.get({ ...repo, issue_number: number, request }),
      signal,
    );
    return parseAnswer(issueSchema, answer.data, `GET issue #${number}`);
  }

  async function patch(number: number, write: IssueWrite, signal?: AbortSignal): Promise<GithubIssue> {
    const answer = await call(
      `PATCH issue #${number}`,
      (o, request) => o.rest.issues.update({ ...repo, issue_number: number, ...write, request }),
      signal,
    );
    return parseAnswer(issueSchema, answer.data, `PATCH issue #${number}`);
  }

  /** The issue an earlier attempt created for `ticketId`, if there is one. */
  async function lostCreate(ticketId: string, signal?: AbortSignal): Promise<GithubIssue | undefined> {
    const answer = await call(
      'GET issues (lost create)',
      (o, request) =>
        o.rest.issues.listForRepo({
          ...repo,
          state: 'all',
          sort: 'created',
          direction: 'desc',
          per_page: lostCreateWindow,
          request,
        }),
      signal,
    );
    return parseAnswer(issueListSchema, answer.data, 'GET issues').find(
      (issue) => !isPullRequest(issue) && hasMarker(issue.body, 'ticket', ticketId),
    );
  }

  /** What GitHub will report for the fields we sent, where it differs from what we sent. */
  /** What GitHub will report for the fields we sent; `seenAtMs` is when this state was seen. */
  function result(issue: GithubIssue, sent: Partial<Record<FieldKey, JsonValue>>, seenAtMs: number): OutboundResult {
    const reported = mapping.fromIssue(issue).fields;
    const reportedValues: Partial<Record<FieldKey, JsonValue>> = {};
    for (const [field, value] of Object.entries(sent) as Array<[FieldKey, JsonValue]>) {
      const back = reported[field];
      if (back !== undefined && JSON.stringify(back) !== JSON.stringify(value)) reportedValues[field] = back;
    }
    return {
      externalId: externalIdOf(issue.number),
      ...(issue.html_url ? { url: issue.html_url } : {}),
      orderingKey: keys(externalIdOf(issue.number), issue.updated_at, mapping.fromIssue(issue).fields, seenAtMs),
      ...(Object.keys(reportedValues).length > 0 ? { reportedValues } : {}),
      // The write's answer is the whole issue after it.
      state: itemFromIssue(issue, mapping, seenAtMs, { keys }),
    };
  }

  function text(field: 'title' | 'description', value: JsonValue | undefined): string | undefined {
    if (value === undefined) return undefined;
    if (value === null && field === 'description') return '';
    if (typeof value !== 'string')
      throw new ExternalCallError('rejected', `${field} ${JSON.stringify(value)} cannot be mapped to GitHub: not text`);
    const max = field === 'title' ? maxTitle : maxBody - markerRoom;
    if (value.length > max) {
      const excerpt = JSON.stringify(`${value.slice(0, 40)}…`);
      throw new ExternalCallError(
        'rejected',
        `${field} ${excerpt} cannot be mapped to GitHub: it holds at most ${max} characters`,
      );
    }
    return value;
  }

  return {
    comments: openGithubComments(config, call),

    async testConnection(signal) {
      const answer = await call(
        `GET repository ${config.owner}/${config.repo}`,
        (o, request) => o.rest.repos.get({ ...repo, request }),
        signal,
      );
      const repository = parseAnswer(repositorySchema, answer.data, 'GET repository');
      if (repository.has_issues === false)
        throw new ExternalCallError('rejected', `${repository.full_name} has issues turned off`);
      if ('token' in credentials) {
        const can = repository.permissions;
        if (!can?.push && !can?.admin)
          throw new ExternalCallError(
            'unauthorized',
            `the token cannot write issues of ${repository.full_name} (it needs push access)`,
          );
      } else {
        const auth = (await call('POST installation token', (o) => o.auth({ type: 'installation' }), signal)) as {
          permissions?: Record<string, string>;
        };
        if (auth.permissions?.['issues'] !== 'write')
          throw new ExternalCallError(
            'unauthorized',
            `the GitHub App installation cannot write issues of ${repository.full_name} (it needs Issues: write)`,
          );
      }
      await ensureLabels(call, config, mapping.neededLabels, labels, signal);
    },

    fetchChanges: createPoller(call, config, mapping, options.pageSize ?? 100, options.etags ?? new Map(), keys),

    async fetchItem(externalId, signal) {
      try {
        const sentAtMs = Date.now();
        const issue = await readIssue(issueNumber(externalId), signal);
        return isPullRequest(issue) ? null : itemFromIssue(issue, mapping, sentAtMs, { keys });
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },

    async createItem(request) {
      const values: Partial<Record<FieldKey, JsonValue>> = {};
      for (const field of ['title', 'description', 'status', 'priority', 'labels', 'assignee'] as const) {
        const value = request.changed[field] ?? request.ticket[field];
        if (value !== undefined) values[field] = value;
      }
      // A write's answer is the state after it: seen when it came back. A found copy: when it was asked for.
      let seenAtMs = Date.now();
      const adopted = request.retry ? await lostCreate(request.ticketId, request.signal) : undefined;
      let issue = adopted;
      if (!issue) {
        await ensureLabels(call, config, mapping.neededLabels, labels, request.signal);
        const title = text('title', values.title) ?? '';
        const body = withMarker(text('description', values.description) ?? '', 'ticket', request.ticketId);
        const write = {
          title,
          body,
          labels: mapping.labelsAfter([], values),
          ...(values.assignee !== undefined && values.assignee !== null
            ? { assignees: mapping.assigneesFor(values.assignee) }
            : {}),
        };
        const answer = await call(
          'POST issue',
          (o, r) => o.rest.issues.create({ ...repo, ...write, request: r }),
          request.signal,
        );
        issue = parseAnswer(issueSchema, answer.data, 'POST issue');
        seenAtMs = Date.now();
      }
      // A new issue is open; a closed status takes a second write.
      const state = values.status === undefined ? {} : mapping.stateFor(values.status);
      if (state.state !== undefined && state.state !== issue.state) {
        issue = await patch(issue.number, state, request.signal);
        seenAtMs = Date.now();
      }
      return result(issue, values, seenAtMs);
    },

    async updateItem(externalId, request) {
      const number = issueNumber(externalId);
      const changed = request.changed;
      const write: IssueWrite = {};
      const title = text('title', changed.title);
      if (title !== undefined) write.title = title;
      const touchesLabels =
        changed.status !== undefined || changed.priority !== undefined || changed.labels !== undefined;
      const description = text('description', changed.description);
      const current = touchesLabels || description !== undefined ? await readIssue(number, request.signal) : undefined;
      if (description !== undefined) {
        // Our marker stays on the issues we created; a person's issue is not marked.
        write.body = hasMarker(current?.body, 'ticket', request.ticketId)
          ? withMarker(description, 'ticket', request.ticketId)
          : description;
      }
      if (changed.status !== undefined) Object.assign(write, mapping.stateFor(changed.status));
      if (touchesLabels && current) {
        await ensureLabels(call, config, mapping.neededLabels, labels, request.signal);
        write.labels = mapping.labelsAfter(
          current.labels.map((label) => label.name),
          changed,
        );
      }
      if (changed.assignee !== undefined) write.assignees = mapping.assigneesFor(changed.assignee);
      if (Object.keys(write).length === 0) return { externalId };
      const patched = await patch(number, write, request.signal);
      return result(patched, changed, Date.now());
    },
  };
}
