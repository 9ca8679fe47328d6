// Calls to Jira for one connected project, through jira.js over the shared transport (client.ts).
// Costs are kept low on purpose, since Jira rate-limits per site: an outbound change is at most
// one read of the issue (its status, type and description), one edit carrying only the changed
// fields, and the transitions the status needs. The workflow's transitions and the site's field
// types (`GET /rest/api/3/field`, read only when a custom field is written or the connection is
// tested) are remembered across the project's sessions (site-knowledge.ts), so a repeated walk
// costs only its transitions. Polling pages through the enhanced JQL search
// (`/rest/api/3/search/jql`) with `nextPageToken`. Configured custom fields are asked for by id in
// every read.

import { createIssue, doTransition, editIssue, getCurrentUser, getFields, getIssue, getProject, getTransitions, searchAndReconsileIssuesUsingJql } from 'jira.js/cloud';
import { ExternalCallError, type ConnectorSession, type OutboundRequest, type OutboundResult } from '#domain/project/connector.ts';
import type { JsonValue } from '#domain/json.ts';
import { customFieldName, type FieldKey } from '#domain/ticket/fields.ts';
import { describeAdfLoss } from './adf.ts';
import { createJiraClient, type JiraClientOptions } from './client.ts';
import { openJiraComments } from './comments.ts';
import { findLostCreate, issuePropertyKey } from './lost-create.ts';
import type { JiraFieldTypes } from './custom-fields.ts';
import { decodeCursor, encodeCursor, sinceClause } from './cursor.ts';
import { issueUrl, itemFromIssue, type JiraExternalItem } from './items.ts';
import { createJiraMapping, type JiraStatus } from './mapping.ts';
import { createdIssueSchema, fieldListSchema, issueSchema, myselfSchema, projectSchema, searchPageSchema, transitionsSchema, type JiraIssue } from './payloads.ts';
import type { JiraConfig, JiraCredentials } from './settings.ts';
import type { SiteKnowledge } from './site-knowledge.ts';
import { walkToStatus, type WorkflowKnowledge } from './transitions.ts';

/** Session tuning. */
export interface JiraSessionOptions extends JiraClientOptions {
  /** Issues per search page (Jira allows up to 100 with these fields). */
  readonly pageSize?: number;
  /** Knowledge shared with the project's other sessions (the connector keeps it); a fresh one otherwise. */
  readonly site?: SiteKnowledge;
}

const issueFields = ['summary', 'description', 'status', 'priority', 'labels', 'assignee', 'updated', 'issuetype'];

/** A session calling Jira for the project `config` describes. */
export function openJiraSession(config: JiraConfig, credentials: JiraCredentials, options: JiraSessionOptions = {}): ConnectorSession {
  const mapping = createJiraMapping(config);
  const readFields = [...issueFields, ...mapping.customFieldIds];
  const site: SiteKnowledge = options.site ?? { fieldTypes: undefined, workflows: new Map() };
  const workflows = site.workflows;
  const pageSize = options.pageSize ?? 100;
  let timeZone: string | undefined;
  const client = (signal?: AbortSignal) => createJiraClient(config.baseUrl, credentials, signal, options);

  function parse<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown, what: string): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new ExternalCallError('unavailable', `Jira answered ${what} with an unexpected body: ${parsed.error.message.slice(0, 200)}`);
    return parsed.data;
  }

  async function readIssue(key: string, fields: readonly string[], signal?: AbortSignal): Promise<JiraIssue> {
    return parse(issueSchema, await getIssue(client(signal), { issueIdOrKey: key, fields: [...fields] }), `GET issue ${key}`);
  }

  /** The site's field types, read once and shared (a failed read is tried again next time). */
  function typesOfFields(signal?: AbortSignal): Promise<JiraFieldTypes> {
    site.fieldTypes ??= getFields(client(signal)).then(
      (answer) => new Map(parse(fieldListSchema, answer, 'GET field').map((field) => [field.id, field.schema ?? { type: 'unknown' }])),
      (error: unknown) => {
        site.fieldTypes = undefined;
        throw error;
      },
    );
    return site.fieldTypes;
  }

  /** The field types when `changed` writes a custom field (none needed otherwise). */
  async function typesFor(changed: Partial<Record<FieldKey, JsonValue>>, signal?: AbortSignal): Promise<JiraFieldTypes | undefined> {
    return Object.keys(changed).some((field) => customFieldName(field as FieldKey) !== undefined) ? typesOfFields(signal) : undefined;
  }

  function knowledgeFor(issue: JiraIssue): WorkflowKnowledge {
    const type = issue.fields.issuetype?.name ?? config.issueType;
    let known = workflows.get(type);
    if (!known) workflows.set(type, (known = new Map()));
    return known;
  }

  /**
   * Moves `key` to the Jira status for hub `status`; the hub status it reached. The webhooks of the
   * steps on the way are stale once the engine reads the issue back after the push.
   */
  async function moveStatus(key: string, issue: JiraIssue, status: JsonValue, signal?: AbortSignal): Promise<JsonValue | undefined> {
    const current = issue.fields.status;
    if (!current) throw new ExternalCallError('unavailable', `Jira reported no status for ${key}`);
    const start: JiraStatus = { name: current.name, category: current.statusCategory?.key };
    const walk = await walkToStatus(
      {
        available: async () => parse(transitionsSchema, await getTransitions(client(signal), { issueIdOrKey: key }), `GET transitions of ${key}`).transitions.map((t) => ({ id: t.id, to: { name: t.to.name, category: t.to.statusCategory?.key } })),
        perform: (transition) => doTransition(client(signal), { issueIdOrKey: key, transition: { id: transition.id } }),
      },
      start,
      mapping.statusGoal(status),
      knowledgeFor(issue),
      `a status for hub status "${String(status)}"`,
    );
    const hubOf = (s: JiraStatus): JsonValue | undefined => {
      try {
        return mapping.hubStatus(s);
      } catch {
        return undefined;
      }
    };
    return hubOf(walk.walked.at(-1) ?? start);
  }

  function result(key: string, changed: Partial<Record<FieldKey, JsonValue>>, reachedStatus: JsonValue | undefined, types?: JiraFieldTypes): OutboundResult {
    const reportedValues: Partial<Record<FieldKey, JsonValue>> = {};
    for (const [field, value] of Object.entries(changed) as Array<[FieldKey, JsonValue]>) {
      const reported = field === 'status' ? reachedStatus : mapping.reported(field, value, types);
      if (reported !== undefined && JSON.stringify(reported) !== JSON.stringify(value)) reportedValues[field] = reported;
    }
    return {
      externalId: key,
      url: issueUrl(config.baseUrl, key),
      ...(Object.keys(reportedValues).length > 0 ? { reportedValues } : {}),
    };
  }

  async function userTimeZone(signal?: AbortSignal): Promise<string> {
    if (timeZone === undefined) {
      const me = parse(myselfSchema, await getCurrentUser(client(signal)), 'GET myself');
      timeZone = me.timeZone ?? 'UTC';
    }
    return timeZone;
  }

  return {
    comments: openJiraComments(client, parse),

    async testConnection(signal) {
      parse(myselfSchema, await getCurrentUser(client(signal)), 'GET myself');
      parse(projectSchema, await getProject(client(signal), { projectIdOrKey: config.projectKey }), `GET project ${config.projectKey}`);
      if (mapping.customFieldIds.length > 0) mapping.checkFieldTypes(await typesOfFields(signal));
    },

    async fetchChanges(cursor, signal) {
      const position = decodeCursor(cursor);
      const zone = await userTimeZone(signal);
      const scope = config.jql ? `project = "${config.projectKey}" AND (${config.jql})` : `project = "${config.projectKey}"`;
      const jql = `${scope}${sinceClause(position.sinceMs, zone)} ORDER BY updated ASC, key ASC`;
      const page = parse(
        searchPageSchema,
        await searchAndReconsileIssuesUsingJql(client(signal), { jql, maxResults: pageSize, fields: readFields, ...(position.pageToken ? { nextPageToken: position.pageToken } : {}) }),
        'the JQL search',
      );
      const now = Date.now();
      const items: JiraExternalItem[] = page.issues.map((issue) => itemFromIssue(issue, mapping, config.baseUrl, { fallbackMs: now }));
      const newest = Math.max(position.newestMs ?? 0, ...page.issues.map((issue) => issue.fields.updated ?? 0));
      const token = page.isLast === true ? undefined : (page.nextPageToken ?? undefined);
      if (token) return { items, cursor: encodeCursor({ sinceMs: position.sinceMs, pageToken: token, newestMs: newest }), done: false };
      return { items, cursor: encodeCursor({ sinceMs: newest > 0 ? newest : position.sinceMs, newestMs: newest }), done: true };
    },

    async fetchItem(externalId, signal) {
      try {
        const issue = await readIssue(externalId, readFields, signal);
        return itemFromIssue(issue, mapping, config.baseUrl, { fallbackMs: Date.now() });
      } catch (error) {
        if (error instanceof ExternalCallError && error.kind === 'not_found') return null;
        throw error;
      }
    },

    async createItem(request: OutboundRequest): Promise<OutboundResult> {
      const values: Partial<Record<FieldKey, JsonValue>> = {};
      for (const field of ['title', 'description', 'priority', 'labels', 'assignee', 'status'] as const) {
        const value = request.changed[field] ?? request.ticket[field];
        if (value !== undefined) values[field] = value;
      }
      // Custom fields: the create job carries every mapped field's value; unset ones stay empty.
      for (const [field, value] of Object.entries(request.changed) as Array<[FieldKey, JsonValue]>) {
        if (customFieldName(field) !== undefined && value !== null) values[field] = value;
      }
      const types = await typesFor(values, request.signal);
      const fields = mapping.toJiraFields(values, types);
      // Empty values are left out: a new issue starts empty.
      for (const [id, value] of Object.entries(fields)) if (value === null && id !== 'summary') delete fields[id];
      // A retry first looks for the issue an attempt whose answer was lost may have made.
      const adopted = request.retry ? await findLostCreate(client(request.signal), parse, config.projectKey, request.ticketId) : undefined;
      const created = adopted ?? parse(
        createdIssueSchema,
        await createIssue(client(request.signal), {
          fields: { ...fields, project: { key: config.projectKey }, issuetype: { name: config.issueType } },
          // Marks the issue as ours, so a twin from a lost answer can be found by this property.
          properties: [{ key: issuePropertyKey, value: { ticketId: request.ticketId, deliveryId: request.deliveryId } }],
        }),
        'POST issue',
      );
      let reached: JsonValue | undefined = values.status;
      // A new issue starts in the workflow's initial status, which is the hub's `open` in practice.
      if (values.status !== undefined && values.status !== 'open') {
        const issue = await readIssue(created.key, ['status', 'issuetype'], request.signal);
        reached = await moveStatus(created.key, issue, values.status, request.signal);
      }
      return result(created.key, values, reached, types);
    },

    async updateItem(externalId, request: OutboundRequest): Promise<OutboundResult> {
      const changed = request.changed;
      const types = await typesFor(changed, request.signal);
      const fields = mapping.toJiraFields(changed, types);
      const needsStatus = changed.status !== undefined;
      const guardsText = changed.description !== undefined && config.richText === 'protect';
      let issue: JiraIssue | undefined;
      if (needsStatus || guardsText) issue = await readIssue(externalId, guardsText ? ['status', 'issuetype', 'description'] : ['status', 'issuetype'], request.signal);
      if (guardsText && issue) {
        const loss = describeAdfLoss(issue.fields.description ?? null);
        if (typeof issue.fields.description !== 'string' && loss.length > 0) {
          throw new ExternalCallError('rejected', `description of ${externalId} holds rich text Markdown cannot carry (${loss.join(', ')}); not overwritten (set config.richText to "overwrite" to allow)`);
        }
      }
      if (Object.keys(fields).length > 0) await editIssue(client(request.signal), { issueIdOrKey: externalId, fields });
      const reached = needsStatus && issue ? await moveStatus(externalId, issue, changed.status as JsonValue, request.signal) : undefined;
      return result(externalId, changed, reached, types);
    },
  };
}
