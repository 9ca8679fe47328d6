// A PostgreSQL cluster of a test's own (the machine's initdb and pg_ctl, a free port, data in a
// temporary folder, run as the `postgres` OS user when the tests run as root) for tests that crash
// the database and start it again: the shared server must never be restarted under other suites.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nats-server.ts';

/** Where initdb and pg_ctl live: `PG_BIN`, else the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinaries(): string | undefined {
  const configured = process.env['PG_BIN'];
  if (configured) return existsSync(join(configured, 'pg_ctl')) ? configured : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  const found = versions.map((version) => join(root, version, 'bin')).find((bin) => existsSync(join(bin, 'pg_ctl')));
  return found;
}

/** A private cluster that can be crashed and started again on the same port and data. */
export interface PrivatePostgres {
  /** A URL of the `postgres` database; tests replace the database name. */
  readonly url: string;
  start(): Promise<void>;
  /** Stops at once, without a checkpoint (as a crash would); clients lose their connections. */
  crash(): Promise<void>;
  /** Stops the cluster and deletes its data. */
  dispose(): Promise<void>;
}

const execute = promisify(execFile);

/** Runs a PostgreSQL program, as the postgres OS user when this process is root. */
async function run(bin: string, program: string, args: readonly string[]): Promise<void> {
  const command = join(bin, program);
  if (process.getuid?.() === 0) await execute('runuser', ['-u', 'postgres', '--', command, ...args]);
  else await execute(command, args);
}

/** Creates and starts a cluster (trust authentication, user postgres, no fsync: a test's data). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('no PostgreSQL binaries (set PG_BIN to the folder holding initdb and pg_ctl)');
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'lockstep-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(root, uid, gid);
  }
  const data = join(root, 'data');
  await run(bin, 'initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const settings = ['listen_addresses=127.0.0.1', 'fsync=off', 'full_page_writes=off', 'max_connections=60'];
  const options = `-p ${port} -k ${root} ${settings.map((setting) => `-c ${setting}`).join(' ')}`;
  let running = false;
  const handle: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await run(bin, 'pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
      running = true;
    },
    async crash() {
      if (!running) return;
      await run(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    async dispose() {
      await handle.crash().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
