// /metrics as Prometheus scrapes it: per-project figures move with real traffic (signed and
// forged deliveries, pushes to a receiver that rate-limits once, a conflict opened and resolved),
// and every metric the shipped Grafana dashboard and alert rules name is served.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenericWebhookSimulator, type GenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { eventually } from '#test/support/eventually.ts';
import { createTestEnvironment, startInProcess, type RunningLockstep, type TestEnvironment } from '#test/support/lockstep.ts';

const SECRET = 'receiver-secret';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The Prometheus text format: `# TYPE name kind` lines and `name{labels} value` samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type?.[1] && type[2]) types.set(type[1], type[2]);
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample?.[1] || !sample[3]) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

/** Every series name /metrics can serve: declared metrics, and the series of histograms and summaries. */
function servedNames(types: Map<string, string>): Set<string> {
  const names = new Set<string>();
  for (const [name, kind] of types) {
    names.add(name);
    if (kind === 'histogram' || kind === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

let env: TestEnvironment;
let lockstep: RunningLockstep;
let receiver: GenericWebhookSimulator;
let project: { id: string; webhookUrl: string; webhookSecret: string };

async function scrape(): Promise<{ types: Map<string, string>; samples: Sample[] }> {
  const response = await fetch(`${lockstep.url}/metrics`);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([key, v]) => s.labels[key] === v))?.value;

beforeAll(async () => {
  receiver = createGenericWebhookSimulator({ secret: SECRET });
  await receiver.start();
  env = createTestEnvironment();
  lockstep = await startInProcess(env, { LOCKSTEP_PUSH_BACKOFF_MS: '20' });
  const data = await lockstep.admin.run<{ connectExternalProject: { project: typeof project } }>(
    `mutation($input: ConnectExternalProjectInput!) { connectExternalProject(input: $input) { project { id webhookUrl webhookSecret } } }`,
    {
      input: {
        name: 'Metrics receiver',
        kind: 'GENERIC_WEBHOOK',
        direction: 'BIDIRECTIONAL',
        config: { targetUrl: `${receiver.url}/hook` },
        credentials: { secret: SECRET },
      },
    },
  );
  project = data.connectExternalProject.project;
});

afterAll(async () => {
  await lockstep?.stop();
  await receiver?.stop();
  await env?.cleanup();
});

describe('per-project metrics', () => {
  it('count deliveries accepted, duplicate and refused', async () => {
    const delivery = { webhookUrl: project.webhookUrl, secret: project.webhookSecret, externalId: 'EXT-1', fields: { title: 'From the receiver' } };
    expect(await receiver.sendChange({ ...delivery, deliveryId: 'delivery-1' })).toBe(202);
    expect(await receiver.resend('delivery-1')).toBe(202);
    expect(await receiver.sendChange({ ...delivery, secret: 'forged' })).toBe(401);

    const { samples } = await scrape();
    const deliveries = (labels: Record<string, string>) => value(samples, 'lockstep_webhook_deliveries_total', { project: project.id, ...labels });
    expect(deliveries({ outcome: 'accepted' })).toBe(1);
    expect(deliveries({ outcome: 'duplicate' })).toBe(1);
    expect(deliveries({ outcome: 'refused', reason: 'signature' })).toBe(1);
  });

  it('time pushes, propagation and rate-limited waits, and show the queue draining', async () => {
    receiver.failNext(1, 429, { retryAfter: '1' });
    const created = await lockstep.admin.run<{ createTicket: { ticket: { id: string } } }>(
      `mutation { createTicket(input: { title: "Pushed to the receiver" }) { ticket { id } } }`,
    );
    await lockstep.admin.run(`mutation($input: LinkTicketInput!) { linkTicket(input: $input) { pushJob { id } } }`, {
      input: { ticketId: created.createTicket.ticket.id, projectId: project.id },
    });
    // The push is timed as it is delivered and its job marked delivered just after: wait for both.
    const { samples } = await eventually(scrape, ({ samples: now }) =>
      (value(now, 'lockstep_propagation_seconds_count', { project: project.id }) ?? 0) >= 1 &&
      value(now, 'lockstep_push_queue_depth', { project: project.id }) === 0, 20_000);
    expect(value(samples, 'lockstep_push_duration_seconds_count', { project: project.id, outcome: 'failed' })).toBe(1);
    expect(value(samples, 'lockstep_push_duration_seconds_count', { project: project.id, outcome: 'delivered' })).toBe(1);
    expect(value(samples, 'lockstep_rate_limited_seconds_total', { project: project.id })).toBe(1);
    // Planned before the 1 s wait, delivered after it.
    expect(value(samples, 'lockstep_propagation_seconds_sum', { project: project.id })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'lockstep_push_queue_depth', { project: project.id })).toBe(0);
    expect(value(samples, 'lockstep_push_jobs_dead', { project: project.id })).toBe(0);
    expect(value(samples, 'lockstep_project_info', { project: project.id, name: 'Metrics receiver', kind: 'GENERIC_WEBHOOK', status: 'ACTIVE' })).toBe(1);
  });

  it('count conflicts opened and resolved', async () => {
    const created = await lockstep.admin.run<{ createTicket: { ticket: { id: string; version: string } } }>(
      `mutation { createTicket(input: { title: "Two writers" }) { ticket { id version } } }`,
    );
    const { id, version } = created.createTicket.ticket;
    const update = `mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { conflicts { id } } }`;
    await lockstep.admin.run(update, { input: { id, title: 'First writer', expectedVersion: version } });
    const second = await lockstep.admin.run<{ updateTicket: { conflicts: Array<{ id: string }> } }>(update, {
      input: { id, title: 'Second writer', expectedVersion: version },
    });
    const conflictId = second.updateTicket.conflicts[0]?.id;
    expect(conflictId).toBeDefined();
    expect(value((await scrape()).samples, 'lockstep_conflicts_opened_total', { project: 'hub' })).toBe(1);
    await lockstep.admin.run(`mutation($input: ResolveConflictInput!) { resolveConflict(input: $input) { conflict { id } } }`, {
      input: { conflictId, value: 'Second writer' },
    });
    expect(value((await scrape()).samples, 'lockstep_conflicts_resolved_total', { project: 'hub' })).toBe(1);
  });
});

describe('work this process takes from its own commits', () => {
  it('is served per kind and back at zero once the work is done', async () => {
    const inHand = async () => {
      const { samples } = await scrape();
      return ['delivery.received', 'push.requested'].map((kind) => value(samples, 'lockstep_local_handoff_in_hand', { kind }));
    };
    expect(await eventually(inHand, (figures) => figures.every((figure) => figure === 0))).toEqual([0, 0]);
  });
});

describe('the shipped dashboard and alert rules', () => {
  it('name only metrics that /metrics serves', async () => {
    const dashboard = JSON.parse(await readFile('deploy/grafana-dashboard.json', 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ definition?: string }> };
    };
    const rules = parse(await readFile('deploy/prometheus-rules.yml', 'utf8')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string; for: string; labels: { severity: string }; annotations: { summary: string } }> }>;
    };
    const alerts = rules.groups.flatMap((group) => group.rules);
    expect(alerts.map((rule) => rule.alert).sort()).toEqual(
      ['LockstepDeadPushJobs', 'LockstepOutboxLagging', 'LockstepProjectInError', 'LockstepPropagationSlow', 'LockstepWebhook5xx'],
    );
    for (const rule of alerts) {
      expect(rule).toMatchObject({
        for: expect.stringMatching(/^\d+m$/),
        labels: { severity: expect.stringMatching(/^(warning|critical)$/) },
        annotations: { summary: expect.stringMatching(/\S/) },
      });
    }
    const expressions = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
      ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [variable.definition] : [])),
      ...alerts.map((rule) => rule.expr),
    ];
    const named = new Set(expressions.flatMap((expr) => [...expr.matchAll(/\blockstep_[a-z0-9_]+/g)].map((m) => m[0])));
    expect(named.size).toBeGreaterThanOrEqual(12);

    const served = servedNames((await scrape()).types);
    expect([...named].filter((name) => !served.has(name))).toEqual([]);
  });
});
