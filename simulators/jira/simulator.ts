// A Jira Cloud stand-in for tests, the demo and the bench: a real HTTP server on loopback speaking
// the REST v3 subset the connector uses (myself, project, priorities, issue create/get/edit/delete,
// transitions, enhanced JQL search with nextPageToken, comments), checking basic and bearer auth, counting
// calls per endpoint, failing on request (429 with Retry-After and X-RateLimit-*, 5xx), and firing
// a signed webhook for every change, ours included, optionally delayed, duplicated or reordered.
// Tests act "as a person in Jira" with `personEdit`/`personTransition`/`personDelete`. Custom fields
// (`customFields` option; `GET /rest/api/3/field`) are validated and reported as Jira does them
// (custom-fields.ts).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonValue } from '#domain/json.ts';
import { toAdf } from '#adapters/jira/adf.ts';
import { fieldListJson, writeCustomFields, type SimCustomField } from './custom-fields.ts';
import { globalWorkflow, issueJson as restIssueJson, SimStore, simPriorities, type SimIssue, type SimWorkflow } from './store.ts';
import { createWebhookSender, type WebhookOptions, type WebhookSender } from './webhooks.ts';
import { answerComment, commentWebhookBody, matchCommentRoute, SimComments, type SimComment } from './comments.ts';

export { globalWorkflow, strictWorkflow, type SimWorkflow, type SimIssue } from './store.ts';
export type { SentWebhook, WebhookOptions } from './webhooks.ts';
export { sampleCustomFields, type SimCustomField } from './custom-fields.ts';

/** Simulator settings. */
export interface JiraSimulatorOptions {
  readonly projectKey?: string;
  readonly workflow?: SimWorkflow;
  /** Accepted basic credentials and bearer token. */
  readonly email?: string;
  readonly apiToken?: string;
  readonly token?: string;
  /** Who the API user is (its accountId). */
  readonly accountId?: string;
  readonly webhooks?: WebhookOptions;
  /** The site's custom fields (`{ id: 'customfield_10050', name: 'Team', schema: { type: 'option' }, options: [...] }`). */
  readonly customFields?: readonly SimCustomField[];
}

/** Person fields, hub-like: description as Markdown. */
export interface PersonEdit {
  readonly summary?: string;
  readonly description?: string | JsonValue;
  readonly priority?: string | null;
  readonly labels?: string[];
  readonly assignee?: string | null;
  /** Custom field values by field id, written as REST v3 takes them (`{ value: 'Payments' }`, `{ id: '10100' }`...). */
  readonly customFields?: Readonly<Record<string, unknown>>;
}

/** The running simulator. */
export interface JiraSimulator {
  /** Listens on 127.0.0.1 (free port); resolves with the base URL. */
  start(): Promise<string>;
  /** Closes the server and drops webhooks not yet sent. */
  stop(): Promise<void>;
  readonly baseUrl: string;
  readonly store: SimStore;
  readonly webhooks: WebhookSender;
  /** API calls by endpoint (`GET /rest/api/3/issue/{key}`...), failed ones included. */
  readonly calls: ReadonlyMap<string, number>;
  totalCalls(): number;
  resetCalls(): void;
  /** Answers the next `count` API calls with `status` (429: Retry-After `retryAfter` s, default 1). */
  failNext(count: number, status: number, options?: { retryAfter?: string }): void;
  /** Carries out the next `count` writes but answers them 504, as a proxy timing out would. */
  loseNextAnswers(count: number): void;
  personEdit(key: string, edit: PersonEdit): void;
  /** Moves the issue to `status` along the workflow's transitions only (throws when none leads there). */
  personTransition(key: string, status: string): void;
  personDelete(key: string): void;
  /** Comments on the simulator's issues. */
  readonly comments: SimComments;
  /** A person comments on the issue (Markdown, stored as ADF); a `comment_created` webhook follows. */
  personComment(key: string, markdown: string, options?: { readonly restrictedTo?: string | null }): SimComment;
  /** Edits the text; `restrictedTo` restricts the comment to a role (null lifts it). */
  personEditComment(id: string, markdown: string, options?: { readonly restrictedTo?: string | null }): void;
  personDeleteComment(id: string): void;
  /** Creates `count` issues quickly, without webhooks unless `notify`. */
  seed(count: number, fields?: (index: number) => PersonEdit, notify?: boolean): SimIssue[];
  issue(key: string): SimIssue | undefined;
}

const person = 'person-1';
const api = '/rest/api/3';

/** A simulator; call start() before use. */
export function createJiraSimulator(options: JiraSimulatorOptions = {}): JiraSimulator {
  const email = options.email ?? 'bot@example.com';
  const apiToken = options.apiToken ?? 'api-token';
  const token = options.token ?? 'bearer-token';
  const accountId = options.accountId ?? 'bot-1';
  const users = new Map([[accountId, 'Lockstep Bot'], [person, 'Pat Person']]);
  let server: Server | undefined;
  let baseUrl = '';
  let quiet = false;
  const calls = new Map<string, number>();
  const failures: Array<{ status: number; retryAfter: string }> = [];
  let lostAnswers = 0;
  const webhooks = createWebhookSender(options.webhooks ?? {});
  const workflow = options.workflow ?? globalWorkflow;
  const customFields = options.customFields ?? [];
  /** An issue in REST v3 shape, with this site's custom fields. */
  const issueJson = (issue: SimIssue, base: string, flow: SimWorkflow, names: ReadonlyMap<string, string>): JsonValue => restIssueJson(issue, base, flow, names, customFields);
  const store = new SimStore(options.projectKey ?? 'OPS', workflow, (event) => {
    if (!quiet) webhooks.enqueue(event, issueJson(event.issue, baseUrl, workflow, users), users.get(event.actor) ?? event.actor);
  }, customFields);
  const comments = new SimComments(
    () => store.stamp(),
    (event) => {
      const issue = store.issues.get(event.comment.issueKey);
      const issueBody = issue ? issueJson(issue, baseUrl, workflow, users) : { key: event.comment.issueKey };
      if (!quiet) webhooks.enqueueBody(event.type, event.comment.issueKey, commentWebhookBody(event, issueBody, baseUrl, users));
    },
  );

  function authorised(request: IncomingMessage): string | undefined {
    const header = request.headers.authorization ?? '';
    if (header === `Bearer ${token}`) return accountId;
    if (header === `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`) return accountId;
    return undefined;
  }

  function route(method: string, path: string): { name: string; params: string[] } | undefined {
    const comment = matchCommentRoute(method, path);
    if (comment) return comment;
    const patterns: Array<[string, RegExp]> = [
      ['GET /myself', /^\/myself$/],
      ['GET /project/{key}', /^\/project\/([^/]+)$/],
      ['GET /priority', /^\/priority(?:\/search)?$/],
      ['POST /issue', /^\/issue$/],
      [`${method} /issue/{key}`, /^\/issue\/([^/]+)$/],
      [`${method} /issue/{key}/transitions`, /^\/issue\/([^/]+)\/transitions$/],
      ['GET /search/jql', /^\/search\/jql$/],
      ['GET /field', /^\/field$/],
    ];
    for (const [name, pattern] of patterns) {
      const match = pattern.exec(path);
      if (match && name.startsWith(`${method} `)) return { name, params: match.slice(1).map(decodeURIComponent) };
    }
    return undefined;
  }

  function handle(request: IncomingMessage, response: ServerResponse, raw: string): void {
    const url = new URL(request.url ?? '/', 'http://sim');
    const method = request.method ?? 'GET';
    const found = url.pathname.startsWith(api) ? route(method, url.pathname.slice(api.length)) : undefined;
    const endpoint = found ? `${method} ${api}${found.name.slice(method.length + 1)}` : `${method} (unknown)`;
    calls.set(endpoint, (calls.get(endpoint) ?? 0) + 1);
    const send = (status: number, body?: JsonValue, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    const failure = failures.shift();
    if (failure) {
      const reset = String(Math.ceil(Date.now() / 1000) + Number(failure.retryAfter));
      const headers = failure.status === 429 ? { 'retry-after': failure.retryAfter, 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } : {};
      return send(failure.status, { errorMessages: [`simulated ${failure.status}`] }, headers);
    }
    const caller = authorised(request);
    if (!caller) return send(401, { errorMessages: ['You are not authenticated.'] });
    if (!found) return send(404, { errorMessages: [`no route ${method} ${url.pathname}`] });
    let body: Record<string, unknown> = {};
    try {
      if (raw) body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return send(400, { errorMessages: ['body is not JSON'] });
    }
    const answer = answerFor(found.name, found.params, url.searchParams, body, caller);
    if (lostAnswers > 0 && method !== 'GET' && answer.status < 300) {
      lostAnswers -= 1;
      return send(504, { errorMessages: ['simulated gateway timeout (the change was made)'] });
    }
    send(answer.status, answer.body);
  }

  function answerFor(name: string, params: string[], query: URLSearchParams, body: Record<string, unknown>, caller: string): { status: number; body?: JsonValue } {
    const issue = params[0] === undefined ? undefined : store.issues.get(params[0]) ?? [...store.issues.values()].find((i) => i.id === params[0]);
    const missing = { status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] } };
    switch (name) {
      case 'GET /myself':
        return { status: 200, body: { accountId: caller, displayName: users.get(caller) ?? caller, timeZone: 'UTC' } };
      case 'GET /project/{key}':
        return params[0] === store.projectKey ? { status: 200, body: { id: '10000', key: store.projectKey, name: `${store.projectKey} project` } } : { status: 404, body: { errorMessages: ['No project could be found'] } };
      case 'GET /priority':
        return { status: 200, body: { values: simPriorities.map((p, i) => ({ id: String(i + 1), name: p })) } };
      case 'POST /issue':
        return createIssue(body, caller);
      case 'GET /issue/{key}':
        return issue ? { status: 200, body: issueJson(issue, baseUrl, workflow, users) } : missing;
      case 'PUT /issue/{key}':
        return issue ? editIssue(issue, body, caller) : missing;
      case 'DELETE /issue/{key}':
        if (!issue) return missing;
        store.remove(issue, caller);
        return { status: 204 };
      case 'GET /issue/{key}/transitions':
        if (!issue) return missing;
        return { status: 200, body: { transitions: store.available(issue).map((t) => ({ id: t.id, name: t.name, to: { name: t.to, id: t.to, statusCategory: { key: workflow.statuses[t.to] ?? 'new' } } })) } };
      case 'POST /issue/{key}/transitions': {
        if (!issue) return missing;
        const id = (body['transition'] as { id?: unknown } | undefined)?.id;
        const transition = store.available(issue).find((t) => t.id === String(id));
        if (!transition) return { status: 400, body: { errorMessages: [`Transition id '${String(id)}' is not valid for this issue.`] } };
        store.edit(issue, { status: transition.to }, caller);
        return { status: 204 };
      }
      case 'GET /search/jql':
        return search(query);
      case 'GET /field':
        return { status: 200, body: fieldListJson(customFields) };
      default:
        if (name.includes('/comment')) return answerComment(name, params, query, body, caller, { issueKey: issue?.key ?? null, comments, baseUrl, users });
        return { status: 404, body: { errorMessages: [`no route ${name}`] } };
    }
  }

  function fieldsOf(body: Record<string, unknown>): { fields?: PersonEdit; error?: string; errors?: Record<string, string> } {
    const fields = (body['fields'] ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    if ('summary' in fields) out['summary'] = fields['summary'];
    if ('description' in fields) out['description'] = fields['description'] ?? null;
    if ('priority' in fields) {
      const name = (fields['priority'] as { name?: string } | null)?.name ?? null;
      if (name !== null && !(simPriorities as readonly string[]).includes(name)) return { error: `priority: '${name}' is not a valid priority` };
      out['priority'] = name;
    }
    if ('labels' in fields) {
      const labels = fields['labels'] as string[];
      if (labels.some((label) => /\s/.test(label))) return { error: 'labels: The label cannot contain spaces.' };
      out['labels'] = labels;
    }
    if ('assignee' in fields) out['assignee'] = (fields['assignee'] as { accountId?: string } | null)?.accountId ?? null;
    const { custom, errors } = writeCustomFields(customFields, fields);
    if (Object.keys(errors).length > 0) return { errors };
    if (Object.keys(custom).length > 0) out['custom'] = custom;
    return { fields: out as PersonEdit };
  }

  function createIssue(body: Record<string, unknown>, caller: string): { status: number; body: JsonValue } {
    const { fields, error, errors } = fieldsOf(body);
    const project = ((body['fields'] as Record<string, unknown> | undefined)?.['project'] as { key?: string } | undefined)?.key;
    if (error || !fields) return { status: 400, body: { errors: errors ?? {}, errorMessages: errors ? [] : [error ?? 'bad fields'] } };
    if (project !== store.projectKey) return { status: 400, body: { errorMessages: [`project: valid project is required (got ${String(project)})`] } };
    if (!fields.summary) return { status: 400, body: { errors: { summary: 'You must specify a summary of the issue.' } } };
    const properties = Object.fromEntries(((body['properties'] ?? []) as Array<{ key: string; value: JsonValue }>).map((p) => [p.key, p.value]));
    const created = store.create({ ...(fields as Partial<SimIssue>), properties }, caller);
    return { status: 201, body: { id: created.id, key: created.key, self: `${baseUrl}${api}/issue/${created.id}` } };
  }

  function editIssue(issue: SimIssue, body: Record<string, unknown>, caller: string): { status: number; body?: JsonValue } {
    const { fields, error, errors } = fieldsOf(body);
    if (error || !fields) return { status: 400, body: { errorMessages: errors ? [] : [error ?? 'bad fields'], errors: errors ?? {} } };
    store.edit(issue, fields as Partial<SimIssue>, caller);
    return { status: 204 };
  }

  function search(query: URLSearchParams): { status: number; body: JsonValue } {
    const jql = query.get('jql') ?? '';
    const since = /updated\s*>=\s*"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})"/.exec(jql)?.[1];
    const sinceMs = since ? Date.parse(`${since.replace(' ', 'T')}:00Z`) : 0;
    const max = Math.min(100, Number(query.get('maxResults') ?? 50) || 50);
    const offset = Number(Buffer.from(query.get('nextPageToken') ?? '', 'base64url').toString() || '0');
    // `created >= "-<n>m|h|d"` (relative, as JQL allows) and `ORDER BY created DESC` are understood too.
    const created = /created\s*>=\s*"?-(\d+)([mhd])"?/.exec(jql);
    const createdSinceMs = created ? Date.now() - Number(created[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[created[2] as 'm' | 'h' | 'd'] : 0;
    const newestCreatedFirst = /order by\s+created\s+desc/i.test(jql);
    const properties = (query.get('properties') ?? '').split(',').filter((key) => key !== '');
    const matching = [...store.issues.values()]
      .filter((i) => i.updatedMs >= sinceMs && i.createdMs >= createdSinceMs)
      .sort((a, b) => (newestCreatedFirst ? b.createdMs - a.createdMs || b.id.localeCompare(a.id) : a.updatedMs - b.updatedMs || a.id.localeCompare(b.id)));
    const page = matching.slice(offset, offset + max);
    const more = offset + max < matching.length;
    const withProperties = (issue: SimIssue, json: JsonValue): JsonValue =>
      properties.length === 0 ? json : { ...(json as Record<string, JsonValue>), properties: Object.fromEntries(properties.filter((key) => key in issue.properties).map((key) => [key, issue.properties[key] ?? null])) };
    return {
      status: 200,
      body: { issues: page.map((i) => withProperties(i, issueJson(i, baseUrl, workflow, users))), ...(more ? { nextPageToken: Buffer.from(String(offset + max)).toString('base64url') } : {}), isLast: !more },
    };
  }

  function requireIssue(key: string): SimIssue {
    const issue = store.issues.get(key);
    if (!issue) throw new Error(`no issue ${key} in the simulator`);
    return issue;
  }

  function personFields(edit: PersonEdit): Partial<SimIssue> {
    const { description, customFields: customValues, ...rest } = edit;
    const { custom, errors } = writeCustomFields(customFields, customValues ?? {});
    if (Object.keys(errors).length > 0) throw new Error(`Jira would refuse this edit: ${JSON.stringify(errors)}`);
    const withCustom = customValues === undefined ? rest : { ...rest, custom };
    if (description === undefined) return withCustom as Partial<SimIssue>;
    return { ...withCustom, description: typeof description === 'string' ? (toAdf(description) as unknown as JsonValue) : description } as Partial<SimIssue>;
  }

  return {
    async start() {
      if (server) return baseUrl;
      const listening = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => handle(request, response, Buffer.concat(chunks).toString('utf8')));
      });
      server = listening;
      await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      return baseUrl;
    },
    async stop() {
      webhooks.stop();
      const closing = server;
      server = undefined;
      if (!closing) return;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      closing.closeAllConnections();
      await closed;
    },
    get baseUrl() {
      return baseUrl;
    },
    store,
    webhooks,
    calls,
    totalCalls: () => [...calls.values()].reduce((sum, n) => sum + n, 0),
    resetCalls: () => calls.clear(),
    loseNextAnswers(count) {
      lostAnswers += count;
    },
    failNext(count, status, failure = {}) {
      for (let i = 0; i < count; i += 1) failures.push({ status, retryAfter: failure.retryAfter ?? '1' });
    },
    personEdit: (key, edit) => store.edit(requireIssue(key), personFields(edit), person),
    personTransition(key, status) {
      const issue = requireIssue(key);
      for (let hop = 0; issue.status !== status && hop < 10; hop += 1) {
        const choices = store.available(issue);
        const next = choices.find((t) => t.to === status) ?? choices.find((t) => t.to !== workflow.initial) ?? choices[0];
        if (!next) throw new Error(`no transition from ${issue.status}`);
        store.edit(issue, { status: next.to }, person);
      }
      if (issue.status !== status) throw new Error(`cannot reach ${status}`);
    },
    personDelete: (key) => store.remove(requireIssue(key), person),
    comments,
    personComment: (key, markdown, access = {}) => comments.add(requireIssue(key).key, toAdf(markdown) as unknown as JsonValue, person, {}, access.restrictedTo ?? null),
    personEditComment(id, markdown, access = {}) {
      const comment = comments.byId.get(id);
      if (!comment) throw new Error(`no comment ${id} in the simulator`);
      comments.edit(comment, toAdf(markdown) as unknown as JsonValue, person, access.restrictedTo === undefined ? comment.restrictedTo : access.restrictedTo);
    },
    personDeleteComment(id) {
      const comment = comments.byId.get(id);
      if (!comment) throw new Error(`no comment ${id} in the simulator`);
      comments.remove(comment);
    },
    seed(count, fields = (index) => ({ summary: `Seeded issue ${index + 1}` }), notify = false) {
      quiet = !notify;
      try {
        return Array.from({ length: count }, (_, index) => store.create(personFields(fields(index)), person));
      } finally {
        quiet = false;
      }
    },
    issue: (key) => store.issues.get(key),
  };
}
