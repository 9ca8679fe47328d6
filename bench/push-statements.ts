// `node bench/push-statements.ts [changes]`: the SQL statements and CPU one propagated change costs
// (signed delivery at IN -> ticket updated -> push to OUT's receiver), counted rather than timed so
// the figures hold on a busy machine. Statements: changes one at a time, each statement attributed to
// the push path when one of its modules is on the (async) stack; one change's statements are listed.
// CPU: the same number of changes again, one in flight per ticket, so the harness's polling is shared.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createGenericWebhookSimulator } from '#simulators/generic-webhook/simulator.ts';
import { createAdminClient } from './support/admin-client.ts';
import { startBenchLockstep } from './support/bench-lockstep.ts';
import { watchDeliveries } from './support/delivery-watch.ts';
import { setUpPropagation } from './support/propagation-fixture.ts';

const CHANGES = Number(process.argv[2] ?? 200);
const TICKETS = 20;
const SECRET = `push-statements-${randomUUID()}`;
/** Modules whose statements count as the push path. */
const PUSH_MODULES = /(push-worker|job-lease|give-way|comment-pusher|late-create)\.ts/;

interface Counted {
  total: number;
  push: number;
  texts: string[];
}
const counted: Counted = { total: 0, push: 0, texts: [] };
let recording = false;

function textOf(args: unknown[]): string {
  const first = args[0];
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && 'text' in first) return String((first as { text: unknown }).text);
  return '?';
}

function install(): void {
  const fromOrm = createRequire(import.meta.resolve('@mikro-orm/postgresql'))('pg') as typeof pg;
  const modules = fromOrm.Client === pg.Client ? [pg] : [pg, fromOrm];
  for (const module of modules) {
    const original = module.Client.prototype.query;
    module.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      counted.total++;
      const stack = new Error().stack ?? '';
      const push = PUSH_MODULES.test(stack);
      if (push) counted.push++;
      if (recording) counted.texts.push(`${push ? 'P' : ' '} ${textOf(args).replace(/\s+/g, ' ').slice(0, 150)}`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  }
}

Error.stackTraceLimit = 200;
install();
const receiver = createGenericWebhookSimulator({ secret: SECRET });
await receiver.start();
try {
  await using lockstep = await startBenchLockstep();
  const admin = createAdminClient(lockstep.url, lockstep.adminToken);
  const { inbound, tickets } = await setUpPropagation(admin, receiver, SECRET, TICKETS);
  const watch = watchDeliveries(receiver);
  const change = async (index: number, tag: string) => {
    const ticket = tickets[index % tickets.length];
    if (!ticket) throw new Error('no ticket');
    const title = `Statements ${tag} ${String(index).padStart(5, '0')}`;
    const arrival = watch.expect(ticket.outExternalId, title, 10_000);
    await receiver.sendChange({ webhookUrl: inbound.webhookUrl, secret: inbound.webhookSecret, externalId: ticket.inExternalId, fields: { title } });
    if (!(await arrival)) throw new Error(`change ${title} never arrived`);
    // The push ends after the receiver answers: let it commit before the next change starts.
    await sleep(30);
  };
  for (let index = 0; index < TICKETS * 2; index++) await change(index, 'warm');
  await sleep(500);
  recording = true;
  await change(0, 'trace');
  recording = false;
  console.log('statements of one change (P: push path):');
  for (const text of counted.texts) console.log(`  ${text}`);
  const before = { ...counted };
  const started = performance.now();
  for (let index = 0; index < CHANGES; index++) await change(index, 'count');
  const serialMs = performance.now() - started;
  const serial = { total: counted.total - before.total, push: counted.push - before.push };
  // One worker per ticket, so a ticket never has two changes in flight.
  const cpu = process.cpuUsage();
  const loaded = performance.now();
  const rounds = Math.ceil(CHANGES / TICKETS);
  await Promise.all(
    tickets.map(async (_, worker) => {
      for (let round = 0; round < rounds; round++) await change(round * TICKETS + worker, 'load');
    }),
  );
  const used = process.cpuUsage(cpu);
  const loadedChanges = rounds * TICKETS;
  watch.stop();
  console.log(
    JSON.stringify({
      changes: CHANGES,
      statementsPerChange: serial.total / CHANGES,
      pushStatementsPerChange: serial.push / CHANGES,
      serialWallMsPerChange: serialMs / CHANGES,
      loadedCpuMsPerChange: (used.user + used.system) / 1000 / loadedChanges,
      loadedChangesPerSecond: loadedChanges / ((performance.now() - loaded) / 1000),
    }),
  );
} finally {
  await receiver.stop();
}
