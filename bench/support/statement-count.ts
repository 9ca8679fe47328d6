// Counts the SQL statements sent through `pg` in this process (Lockstep runs in the bench process,
// and so do the baselines), so the API bench can say how many statements one request costs.
// Every statement counts: BEGIN and COMMIT too, since each is a round trip.
import { createRequire } from 'node:module';
import pg from 'pg';

let sent = 0;
let installed = false;

/** The `pg` MikroORM loads (it may have a copy of its own) and the one the baselines use. */
function pgModules(): Array<typeof pg> {
  const fromOrm = createRequire(import.meta.resolve('@mikro-orm/postgresql'))('pg') as typeof pg;
  return fromOrm.Client === pg.Client ? [pg] : [pg, fromOrm];
}

/** Starts counting (once per process): wraps `Client#query`, which pools and ORMs all go through. */
export function countStatements(): void {
  if (installed) return;
  installed = true;
  for (const module of pgModules()) {
    const original = module.Client.prototype.query;
    module.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      sent++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  }
}

/** Statements sent so far in this process. */
export function statementsSent(): number {
  return sent;
}
