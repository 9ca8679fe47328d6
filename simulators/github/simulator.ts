// A GitHub stand-in for tests, the demo and the bench: a real HTTP server on loopback speaking the
// REST subset Octokit calls for Issues (routes.ts), checking tokens and GitHub App installation
// tokens (app-auth.ts), answering rate-limit headers and limits (rate-limit.ts), counting calls
// per endpoint, losing answers on request, and firing a signed webhook for every change, ours
// included (webhooks.ts). Tests act "as a person on GitHub" with the `person*` functions.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimApp, InstallationTokens, type SimApp } from './app-auth.ts';
import { commentJson, issueJson, repositoryJson, type SimRepoRef } from './json.ts';
import { answer, RateLimits } from './rate-limit.ts';
import { createRoutes, type SimRequest } from './routes.ts';
import { SimStore, type IssuePatch, type SimComment, type SimEvent, type SimIssue } from './store.ts';
import { createWebhookSender, type WebhookOptions, type WebhookSender } from './webhooks.ts';

export type { SimComment, SimIssue } from './store.ts';
export type { SentWebhook, WebhookOptions } from './webhooks.ts';

/** Simulator settings. */
export interface GithubSimulatorOptions {
  readonly owner?: string;
  readonly repo?: string;
  /** A token with push access, and one that may only read. */
  readonly token?: string;
  readonly readOnlyToken?: string;
  /** How long installation tokens live (GitHub: an hour). */
  readonly tokenLifetimeMs?: number;
  /** The installation's permissions (default issues: write). */
  readonly appPermissions?: Readonly<Record<string, string>>;
  readonly webhooks?: WebhookOptions;
}

/** The running simulator. */
export interface GithubSimulator {
  /** Listens on 127.0.0.1 (free port); resolves with the API base URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
  readonly baseUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly store: SimStore;
  readonly webhooks: WebhookSender;
  readonly app: SimApp;
  readonly tokens: InstallationTokens;
  readonly limits: RateLimits;
  /** API calls by endpoint (`PATCH /repos/{o}/{r}/issues/{n}`...), refused ones included. */
  readonly calls: ReadonlyMap<string, number>;
  callsTo(prefix: string): number;
  resetCalls(): void;
  /** Carries out the next `count` writes but answers them 502, as a proxy timing out would. */
  loseNextAnswers(count: number): void;
  /** Sends the `ping` GitHub sends when a webhook is added. */
  ping(): void;
  issue(number: number): SimIssue | undefined;
  personCreate(title: string, fields?: IssuePatch): SimIssue;
  personEdit(number: number, patch: IssuePatch): void;
  personDelete(number: number): void;
  personPullRequest(title: string): SimIssue;
  personComment(number: number, body: string): SimComment;
  personEditComment(id: number, body: string): void;
  personDeleteComment(id: number): void;
  /** Creates `count` issues quickly, without webhooks. */
  seed(count: number, fields?: (index: number) => IssuePatch & { title: string }): SimIssue[];
}

const person = 'octocat';
const bot = 'lockstep-bot';
const appBot = 'lockstep[bot]';

/** A simulator; call start() before use. */
export function createGithubSimulator(options: GithubSimulatorOptions = {}): GithubSimulator {
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'web';
  const token = options.token ?? 'ghp_simulated';
  const readOnlyToken = options.readOnlyToken ?? 'ghp_readonly';
  let server: Server | undefined;
  let baseUrl = '';
  const ref = (): SimRepoRef => ({ baseUrl, owner, repo });
  const calls = new Map<string, number>();
  let lostAnswers = 0;
  const webhooks = createWebhookSender(options.webhooks ?? {});
  const app = createSimApp();
  const tokens = new InstallationTokens(options.tokenLifetimeMs ?? 3600_000);
  const limits = new RateLimits();
  const store = new SimStore((event: SimEvent) => webhooks.enqueue(event.event, webhookBody(event)));
  const color = (name: string) => store.labels.get(name.toLowerCase())?.color ?? 'ededed';
  const count = (n: number) => [...store.comments.values()].filter((c) => c.issueNumber === n).length;

  function webhookBody(event: SimEvent): Record<string, unknown> {
    const sender = { login: event.actor, type: event.actor.endsWith('[bot]') ? 'Bot' : 'User' };
    const base = {
      action: event.action,
      issue: issueJson(ref(), event.issue, color, count(event.issue.number)),
      repository: repositoryJson(ref(), undefined),
      sender,
    };
    if (event.event === 'issue_comment') return { ...base, comment: commentJson(ref(), event.comment) };
    return { ...base, ...event.extra };
  }

  const permissions = (actor: string) =>
    actor === bot
      ? { admin: false, push: true, pull: true }
      : actor === 'reader'
        ? { admin: false, push: false, pull: true }
        : undefined;
  const route = createRoutes(ref, store, permissions);

  /** Who the request authenticates as, or why not. */
  function authenticate(request: IncomingMessage): string | 'expired' | undefined {
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const given = match?.[1];
    if (given === token) return bot;
    if (given === readOnlyToken) return 'reader';
    if (given === undefined) return undefined;
    const state = tokens.check(given);
    return state === 'valid' ? appBot : state === 'expired' ? 'expired' : undefined;
  }

  async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return {};
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  }

  async function handle(request: IncomingMessage, response: import('node:http').ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sim');
    const method = request.method ?? 'GET';
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const endpoint = `${method} /${parts.map((p) => (/^\d+$/.test(p) ? '{n}' : p)).join('/')}`;
    calls.set(endpoint, (calls.get(endpoint) ?? 0) + 1);
    let body: Record<string, unknown>;
    try {
      body = await readBody(request);
    } catch {
      return answer(response, 400, {}, { message: 'Problems parsing JSON' });
    }
    if (method === 'POST' && parts[0] === 'app' && parts[1] === 'installations' && parts[3] === 'access_tokens') {
      const minted = tokens.mint(app, Number(parts[2]), request.headers.authorization);
      if (!minted) return answer(response, 401, {}, { message: 'A JSON web token could not be decoded' });
      return answer(
        response,
        201,
        {},
        {
          token: minted.token,
          expires_at: minted.expiresAt,
          permissions: options.appPermissions ?? { issues: 'write', metadata: 'read' },
          repository_selection: 'selected',
        },
      );
    }
    const actor = authenticate(request);
    if (actor === undefined || actor === 'expired')
      return answer(
        response,
        401,
        {},
        { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      );
    if (!limits.admit(response)) return;
    if (parts[0] !== 'repos' || parts[1] !== owner || parts[2] !== repo)
      return answer(response, 404, limits.headers(), { message: 'Not Found' });
    if (method !== 'GET' && actor === 'reader')
      return answer(response, 403, limits.headers(), { message: 'Resource not accessible by personal access token' });
    const ifNoneMatch = request.headers['if-none-match'];
    const simRequest: SimRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      actor,
      ifNoneMatch: typeof ifNoneMatch === 'string' ? ifNoneMatch : undefined,
    };
    const reply = route(simRequest, parts.slice(3));
    if (reply.status === 304) limits.refund();
    if (reply.wrote && lostAnswers > 0) {
      lostAnswers -= 1;
      return answer(response, 502, {}, { message: 'Server Error' });
    }
    answer(response, reply.status, { ...limits.headers(), ...reply.headers }, reply.body);
  }

  function must(number: number): SimIssue {
    const found = store.issues.get(number);
    if (!found) throw new Error(`no issue #${number} in the simulator`);
    return found;
  }

  function mustComment(id: number): SimComment {
    const found = store.comments.get(id);
    if (!found) throw new Error(`no comment ${id} in the simulator`);
    return found;
  }

  return {
    async start() {
      server = createServer((request, response) => {
        handle(request, response).catch((error: unknown) => answer(response, 500, {}, { message: String(error) }));
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return baseUrl;
    },
    async stop() {
      webhooks.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections();
    },
    get baseUrl() {
      return baseUrl;
    },
    owner,
    repo,
    store,
    webhooks,
    app,
    tokens,
    limits,
    calls,
    callsTo: (prefix) =>
      [...calls.entries()].filter(([name]) => name.startsWith(prefix)).reduce((n, [, c]) => n + c, 0),
    resetCalls: () => calls.clear(),
    loseNextAnswers(n) {
      lostAnswers += n;
    },
    ping() {
      webhooks.enqueue('ping', {
        zen: 'Anything added dilutes everything else.',
        hook_id: 109948940,
        hook: { type: 'Repository', id: 109948940, events: ['issues', 'issue_comment'] },
        repository: repositoryJson(ref(), undefined),
      });
    },
    issue: (number) => store.issues.get(number),
    personCreate: (title, fields = {}) => store.create({ ...fields, title }, person),
    personEdit: (number, patch) => store.update(must(number), patch, person),
    personDelete: (number) => store.delete(must(number), person),
    personPullRequest: (title) => store.create({ title }, person, { pullRequest: true }),
    personComment: (number, body) => store.comment(must(number), body, person),
    personEditComment: (id, body) => store.editComment(mustComment(id), body, person),
    personDeleteComment: (id) => store.deleteComment(mustComment(id), person),
    seed(n, fields) {
      return Array.from({ length: n }, (_, index) =>
        store.create(fields?.(index) ?? { title: `Seeded issue ${index + 1}` }, person, { notify: false }),
      );
    },
  };
}
