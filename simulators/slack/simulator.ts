// A Slack stand-in for tests and the demo: a loopback server speaking the Web API subset Lockstep
// calls (`auth.test`, `chat.postMessage`, `chat.update`, `conversations.history`) as
// `@slack/web-api` sends it (form-encoded, nested values as JSON, `Authorization: Bearer`), with
// Slack's answers (`{ok, channel, ts, message}`; `ok: false` + `error` on failure; 429 +
// `Retry-After` + `ratelimited`), and a person pressing the message's buttons: a `block_actions`
// interactivity request (docs.slack.dev "block_actions payload") signed with `v0=` as Slack signs.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';

/** A message as the channel holds it. */
export interface SimMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  metadata: { event_type?: string; event_payload?: Record<string, unknown> } | null;
  edits: number;
}

/** The running simulator. */
export interface SlackSimulator {
  start(): Promise<string>;
  stop(): Promise<void>;
  /** The Web API base (`config.baseUrl`). */
  readonly baseUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  /** The channel's id (its name is `#ops`). */
  readonly channelId: string;
  readonly messages: readonly SimMessage[];
  /** Calls by method, and when each was made (ms since epoch). */
  readonly calls: ReadonlyMap<string, number>;
  readonly callTimes: ReadonlyMap<string, number[]>;
  resetCalls(): void;
  /** Answers the next `count` calls of `method` with 429 ratelimited, `Retry-After: retryAfterSeconds`. */
  rateLimitNext(method: string, count: number, retryAfterSeconds: number): void;
  /** Carries out the next `count` calls of `method` but answers them 504. */
  loseNextAnswers(method: string, count: number): void;
  /** Makes `method` answer only after `ms` (a slow Slack). */
  slowDown(method: string, ms: number): void;
  /** Plays a token without the scope `method` needs (`missing_scope`), or with it again. */
  withoutScope(method: string, missing: boolean): void;
  /** The text of a message's buttons. */
  buttonsOf(message: SimMessage): string[];
  /**
   * A person pressing a button of `message`: posts the signed interactivity request to `url`.
   * `timestamp` (seconds) and `secret` override what Slack would use; the answer and how long it took.
   */
  press(url: string, message: SimMessage, actionId: string, person?: { id: string; username: string }, options?: { timestamp?: number; secret?: string }): Promise<{ status: number; ms: number }>;
}

/** A simulator; call start() before use. */
export function createSlackSimulator(): SlackSimulator {
  const botToken = 'xoxb-sim-token';
  const signingSecret = 'sim-signing-secret';
  const channelId = 'C0LOCKSTEP';
  const channelNames = new Map([['#ops', channelId], ['ops', channelId], [channelId, channelId]]);
  const messages: SimMessage[] = [];
  const calls = new Map<string, number>();
  const callTimes = new Map<string, number[]>();
  const rateLimited = new Map<string, { count: number; seconds: number }>();
  const lost = new Map<string, number>();
  const slow = new Map<string, number>();
  const unscoped = new Set<string>();
  let server: Server | undefined;
  let origin = '';
  let clock = Math.floor(Date.now() / 1000);

  const nextTs = () => {
    clock += 1;
    return `${clock}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  async function argsOf(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if ((req.headers['content-type'] ?? '').includes('application/json')) return raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      out[key] = key === 'blocks' || key === 'metadata' ? JSON.parse(value) : value;
    }
    return out;
  }

  function handleMethod(method: string, args: Record<string, unknown>): { status?: number; body: Record<string, unknown> } {
    if (method === 'auth.test') return { body: { ok: true, url: 'https://sim.slack.com/', team: 'Sim', user: 'lockstep', team_id: 'T0SIM', user_id: 'U0BOT', bot_id: 'B0BOT' } };
    const channel = channelNames.get(String(args['channel'] ?? ''));
    if (!channel) return { body: { ok: false, error: 'channel_not_found' } };
    if (method === 'chat.postMessage') {
      if (typeof args['text'] !== 'string' && !Array.isArray(args['blocks'])) return { body: { ok: false, error: 'no_text' } };
      const message: SimMessage = {
        channel,
        ts: nextTs(),
        text: String(args['text'] ?? ''),
        blocks: (args['blocks'] as unknown[] | undefined) ?? [],
        metadata: (args['metadata'] as SimMessage['metadata'] | undefined) ?? null,
        edits: 0,
      };
      messages.push(message);
      return { body: { ok: true, channel, ts: message.ts, message: { type: 'message', text: message.text, ts: message.ts, bot_id: 'B0BOT' } } };
    }
    if (method === 'chat.update') {
      const message = messages.find((candidate) => candidate.channel === channel && candidate.ts === args['ts']);
      if (!message) return { body: { ok: false, error: 'message_not_found' } };
      message.text = String(args['text'] ?? message.text);
      message.blocks = (args['blocks'] as unknown[] | undefined) ?? message.blocks;
      message.edits += 1;
      return { body: { ok: true, channel, ts: message.ts, text: message.text } };
    }
    if (method === 'conversations.history') {
      const withMetadata = args['include_all_metadata'] === 'true' || args['include_all_metadata'] === true;
      const latest = messages
        .filter((message) => message.channel === channel)
        .toReversed()
        .slice(0, Number(args['limit'] ?? 100))
        .map((message) => ({ type: 'message', ts: message.ts, text: message.text, ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}) }));
      return { body: { ok: true, messages: latest, has_more: false } };
    }
    return { status: 404, body: { ok: false, error: 'unknown_method' } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = new URL(req.url ?? '/', origin).pathname.replace(/^\/api\//, '');
    calls.set(method, (calls.get(method) ?? 0) + 1);
    callTimes.set(method, [...(callTimes.get(method) ?? []), Date.now()]);
    const args = await argsOf(req);
    const delay = slow.get(method);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const limited = rateLimited.get(method);
    if (limited && limited.count > 0) {
      limited.count -= 1;
      return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.seconds) });
    }
    if (req.headers.authorization !== `Bearer ${botToken}`) return send(res, 200, { ok: false, error: 'invalid_auth' });
    if (unscoped.has(method)) return send(res, 200, { ok: false, error: 'missing_scope', needed: 'channels:history', provided: 'chat:write' });
    const answer = handleMethod(method, args);
    const losing = lost.get(method) ?? 0;
    if (losing > 0 && answer.body['ok'] === true) {
      lost.set(method, losing - 1);
      return send(res, 504, { ok: false, error: 'gateway timeout' });
    }
    return send(res, answer.status ?? 200, answer.body);
  }

  return {
    async start() {
      server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => send(res, 500, { ok: false, error: String(error) }));
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return `${origin}/api/`;
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
    get baseUrl() {
      return `${origin}/api/`;
    },
    botToken,
    signingSecret,
    channelId,
    messages,
    calls,
    callTimes,
    resetCalls() {
      calls.clear();
      callTimes.clear();
    },
    rateLimitNext(method, count, seconds) {
      rateLimited.set(method, { count, seconds });
    },
    loseNextAnswers(method, count) {
      lost.set(method, (lost.get(method) ?? 0) + count);
    },
    slowDown(method, ms) {
      slow.set(method, ms);
    },
    withoutScope(method, missing) {
      if (missing) unscoped.add(method);
      else unscoped.delete(method);
    },
    buttonsOf(message) {
      return message.blocks.flatMap((block) => {
        const elements = (block as { type?: string; elements?: Array<{ text?: { text?: string } }> }).elements;
        return (block as { type?: string }).type === 'actions' ? (elements ?? []).map((element) => element.text?.text ?? '') : [];
      });
    },
    async press(url, message, actionId, person = { id: 'U0PAT', username: 'pat' }, options = {}) {
      const actionTs = `${Math.floor(Date.now() / 1000)}.${String(Date.now() % 1000).padStart(3, '0')}000`;
      const payload = {
        type: 'block_actions',
        user: { id: person.id, username: person.username, name: person.username, team_id: 'T0SIM' },
        api_app_id: 'A0SIM',
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
        trigger_id: `${Date.now()}.${randomUUID()}`,
        team: { id: 'T0SIM', domain: 'sim' },
        channel: { id: message.channel, name: 'ops' },
        message: { type: 'message', ts: message.ts, text: message.text },
        response_url: `${origin}/actions/response`,
        actions: [{ type: 'button', action_id: actionId, block_id: 'lockstep', text: { type: 'plain_text', text: actionId }, action_ts: actionTs }],
      };
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
      const signature = `v0=${createHmac('sha256', options.secret ?? signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
        body,
      });
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - started };
    },
  };
}
