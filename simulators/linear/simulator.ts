// A Linear stand-in for tests, the demo and the bench: a real HTTP GraphQL endpoint on loopback
// whose executable schema is Linear's published schema (schema.graphql), so every document
// @linear/sdk sends is parsed and validated against Linear's real types, then answered from an
// in-memory workspace (store.ts, resolvers.ts). It checks the API key the way the SDK sends it
// (`Authorization: <key>`), refuses queries above Linear's complexity limit, answers injected rate
// limits as Linear does (RATELIMITED, HTTP 400 or 429, X-RateLimit-* headers with reset instants in
// epoch ms), can lose the answer to a write, and fires signed webhooks for every change
// (webhooks.ts). Tests act "as a person in Linear" with the `person*` methods.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, Kind, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import {
  internalError,
  invalidDocument,
  rateHeaders,
  rateLimited,
  tooComplex,
  unauthenticated,
  type RateLimitOptions,
} from './answers.ts';
import { maxQueryComplexity, queryComplexity } from './complexity.ts';
import { createActors, personWrite, type PersonIssueEdit } from './person.ts';
import { createObjects } from './objects.ts';
import { createRootValue } from './resolvers.ts';
import { LinearStore, type SimComment, type SimIssue } from './store.ts';
import { createLinearWebhooks, type LinearWebhooks, type WebhookOptions } from './webhooks.ts';

export type { SentWebhook, WebhookOptions } from './webhooks.ts';
export type { SimComment, SimIssue } from './store.ts';
export type { PersonIssueEdit } from './person.ts';
export type { RateLimitOptions } from './answers.ts';

let schema: GraphQLSchema | undefined;

/** Linear's schema, built once per process (about a second: the file is Linear's whole API). */
function linearSchema(): GraphQLSchema {
  schema ??= buildSchema(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));
  return schema;
}

/** Simulator settings. */
export interface LinearSimulatorOptions {
  readonly teamKey?: string;
  /** The accepted personal API key. */
  readonly apiKey?: string;
  /** Workspace members besides the API key's bot user. */
  readonly users?: ReadonlyArray<{ name: string; email: string }>;
  /** Team labels to start with. */
  readonly labels?: readonly string[];
  readonly webhooks?: WebhookOptions;
}

/** An issue as a person sees it. */
export interface IssueView {
  readonly id: string;
  readonly identifier: string;
  readonly title: string;
  readonly description: string | null;
  readonly priority: number;
  readonly state: string;
  readonly labels: string[];
  readonly assignee: string | null;
  readonly updatedAt: string;
}

/** The running simulator. */
export interface LinearSimulator {
  /** Listens on 127.0.0.1 (free port); resolves with the GraphQL endpoint URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly store: LinearStore;
  readonly webhooks: LinearWebhooks;
  /** Requests by root field (`query issues`, `mutation issueCreate`...), refused ones included. */
  readonly calls: ReadonlyMap<string, number>;
  resetCalls(): void;
  /** Answers the next `count` requests RATELIMITED. */
  rateLimitNext(count: number, options?: RateLimitOptions): void;
  /** Answers the next `count` requests with `status` (5xx) without running them. */
  failNext(count: number, status: number): void;
  /** Runs the next `count` mutations but answers 504, as a proxy timing out would. */
  loseNextAnswers(count: number): void;
  personCreate(edit: PersonIssueEdit & { readonly title: string }): SimIssue;
  personEdit(id: string, edit: PersonIssueEdit): void;
  personRemove(id: string): void;
  personComment(issueId: string, body: string): SimComment;
  personEditComment(id: string, body: string): void;
  personDeleteComment(id: string): void;
  /** Creates `count` issues quickly, without webhooks. */
  seed(count: number, fields?: (index: number) => PersonIssueEdit & { readonly title: string }): SimIssue[];
  issue(id: string): IssueView | undefined;
}

/** A simulator with `options`; call `start()`. */
export function createLinearSimulator(options: LinearSimulatorOptions = {}): LinearSimulator {
  const apiKey = options.apiKey ?? 'lin_api_simulated_key';
  const users = options.users ?? [{ name: 'Ann Person', email: 'ann@example.com' }];
  const store = new LinearStore(options.teamKey ?? 'ENG', users);
  for (const label of options.labels ?? ['bug', 'feature']) store.addLabel(label);
  const actors = createActors(store);
  const person = actors.person;
  const rootValue = createRootValue(store, createObjects(store), () => actors.current());
  const webhooks = createLinearWebhooks(store.organizationId, (listener) => store.onChange(listener));
  webhooks.configure(options.webhooks ?? {});
  const calls = new Map<string, number>();
  const rateLimits: RateLimitOptions[] = [];
  const failures: number[] = [];
  let lostAnswers = 0;
  let requestsRemaining = 5000;
  let server: Server | undefined;
  let apiUrl = '';

  function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    response.end(JSON.stringify(body));
  }

  function count(document: DocumentNode | undefined): { key: string; mutation: boolean } {
    const operation = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return { key: 'unparsed', mutation: false };
    const fields = operation.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '…'));
    const key = `${operation.operation} ${fields.join(',')}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return { key, mutation: operation.operation === 'mutation' };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST') return send(response, 405, { errors: [{ message: 'Use POST' }] });
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    let document: DocumentNode;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      document = parse(String(body.query ?? ''));
    } catch (error) {
      count(undefined);
      return send(response, 400, invalidDocument([(error as Error).message], 'GRAPHQL_PARSE_FAILED'));
    }
    const { mutation } = count(document);
    if (request.headers.authorization !== apiKey) return send(response, 400, unauthenticated);
    const limited = rateLimits.shift();
    if (limited) return send(response, limited.status ?? 400, rateLimited, rateHeaders(0, 0, limited));
    const failure = failures.shift();
    if (failure !== undefined) return send(response, failure, internalError);
    const given = body.variables;
    const variables = (typeof given === 'object' && given !== null ? given : {}) as Record<string, unknown>;
    const problems = validate(linearSchema(), document);
    if (problems.length > 0) {
      return send(response, 400, invalidDocument(problems.map((p) => p.message), 'GRAPHQL_VALIDATION_FAILED'));
    }
    const complexity = queryComplexity(document, variables);
    const headers = rateHeaders(complexity, requestsRemaining);
    if (complexity > maxQueryComplexity) {
      return send(response, 400, tooComplex(complexity, maxQueryComplexity), headers);
    }
    requestsRemaining = Math.max(0, requestsRemaining - 1);
    const result = await execute({
      schema: linearSchema(),
      document,
      rootValue,
      variableValues: variables,
      ...(typeof body.operationName === 'string' ? { operationName: body.operationName } : {}),
    });
    if (mutation && lostAnswers > 0) {
      lostAnswers -= 1;
      response.writeHead(504, { 'content-type': 'text/html' });
      response.end('<html><body>504 Gateway Time-out</body></html>');
      return;
    }
    const errors = result.errors?.map((error) => error.toJSON());
    send(response, 200, { data: result.data ?? null, ...(errors ? { errors } : {}) }, headers);
  }

  const must = (id: string): SimIssue => {
    const issue = store.issues.get(id);
    if (!issue) throw new Error(`no issue ${id}`);
    return issue;
  };
  const comment = (id: string): SimComment => {
    const found = store.comments.get(id);
    if (!found) throw new Error(`no comment ${id}`);
    return found;
  };

  return {
    async start() {
      server = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          send(response, 500, { errors: [{ message: String(error) }] });
        });
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      linearSchema();
      return apiUrl;
    },
    async stop() {
      webhooks.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections();
    },
    get apiUrl() {
      return apiUrl;
    },
    apiKey,
    store,
    webhooks,
    calls,
    resetCalls: () => calls.clear(),
    rateLimitNext(n, limit = {}) {
      for (let i = 0; i < n; i += 1) rateLimits.push(limit);
    },
    failNext(n, status) {
      for (let i = 0; i < n; i += 1) failures.push(status);
    },
    loseNextAnswers(n) {
      lostAnswers += n;
    },
    personCreate: (edit) =>
      actors.asPerson(() => store.createIssue({ ...personWrite(store, edit), title: edit.title }, person.id)),
    personEdit: (id, edit) => actors.asPerson(() => store.updateIssue(must(id), personWrite(store, edit), person.id)),
    personRemove: (id) => actors.asPerson(() => store.removeIssue(must(id), person.id)),
    personComment: (issueId, body) =>
      actors.asPerson(() => store.createComment({ issueId: must(issueId).id, body }, person.id)),
    personEditComment: (id, body) => actors.asPerson(() => store.updateComment(comment(id), body, person.id)),
    personDeleteComment: (id) => actors.asPerson(() => store.deleteComment(comment(id), person.id)),
    seed(n, fields = (index) => ({ title: `Seeded issue ${index + 1}` })) {
      return Array.from({ length: n }, (_, index) => {
        const edit = fields(index);
        return store.createIssue({ ...personWrite(store, edit), title: edit.title }, person.id, false);
      });
    },
    issue(id) {
      const issue = store.issues.get(id);
      if (!issue) return undefined;
      return {
        id: issue.id,
        identifier: store.identifier(issue),
        title: issue.title,
        description: issue.description,
        priority: issue.priority,
        state: store.state(issue.stateId)?.name ?? '?',
        labels: issue.labelIds.map((l) => store.label(l)?.name ?? '?').sort(),
        assignee: store.user(issue.assigneeId)?.email ?? null,
        updatedAt: new Date(issue.updatedAt).toISOString(),
      };
    },
  };
}
