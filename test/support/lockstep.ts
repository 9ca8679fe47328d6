// Starts Lockstep for a test file: in this process (startLockstep) or as a real child process
// (`node src/infra/main.ts`), each on a free port with its own database and NATS namespace, and
// cleans everything up afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startLockstep, type Lockstep } from '#infra/app.ts';
import { loadConfig } from '#infra/config.ts';
import { createLogger } from '#infra/logger.ts';
import { streamNames } from '#infra/bus/streams.ts';
import { dropDatabase, freshDatabaseUrl } from './databases.ts';
import { createGraphQLClient, type GraphQLClient } from './graphql-client.ts';

/** Where a test's Lockstep keeps its state; share it between processes to make them peers. */
export interface TestEnvironment {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  readonly prefix: string;
  readonly adminToken: string;
  /** Drops the database and deletes the NATS streams. */
  cleanup(): Promise<void>;
}

/** A fresh database URL, NATS prefix and admin token on the suite's servers (or the servers given). */
export function createTestEnvironment(overrides: { natsUrl?: string; databaseServerUrl?: string } = {}): TestEnvironment {
  const databaseUrl = freshDatabaseUrl(overrides.databaseServerUrl ?? inject('databaseUrl'));
  const natsUrl = overrides.natsUrl ?? inject('natsUrl');
  const prefix = `t${randomBytes(5).toString('hex')}`;
  return {
    databaseUrl,
    natsUrl,
    prefix,
    adminToken: `admin-${randomBytes(16).toString('hex')}`,
    async cleanup() {
      await dropDatabase(databaseUrl).catch(() => undefined);
      await deleteStreams(natsUrl, prefix).catch(() => undefined);
    },
  };
}

async function deleteStreams(natsUrl: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, timeout: 2_000, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(streamNames(prefix).events).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

/** The environment variables that make Lockstep use `env`. */
export function environmentVariables(env: TestEnvironment, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: env.databaseUrl,
    NATS_URL: env.natsUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    // Simulators listen on loopback; production refuses such targets.
    LOCKSTEP_ALLOW_PRIVATE_TARGETS: 'true',
    LOCKSTEP_ADMIN_TOKEN: env.adminToken,
    LOCKSTEP_NATS_PREFIX: env.prefix,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    NODE_ENV: 'test',
    ...extra,
  };
}

/** A Lockstep running for a test, with an admin GraphQL client. */
export interface RunningLockstep {
  readonly url: string;
  readonly admin: GraphQLClient;
  client(token: string): GraphQLClient;
  stop(): Promise<void>;
}

function running(url: string, env: TestEnvironment, stop: () => Promise<void>): RunningLockstep {
  return {
    url,
    admin: createGraphQLClient(url, env.adminToken),
    client: (token) => createGraphQLClient(url, token),
    stop,
  };
}

/** Fails with `label` when `work` takes longer than `ms`, so a stuck step names itself. */
export async function within<T>(ms: number, label: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${label} took longer than ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts Lockstep inside the test process. */
export async function startInProcess(env: TestEnvironment, extra: Record<string, string> = {}): Promise<RunningLockstep> {
  const config = loadConfig(environmentVariables(env, extra));
  const app: Lockstep = await within(40_000, 'starting Lockstep in process', startLockstep(config, createLogger(config.logLevel)));
  return running(app.url, env, () => within(20_000, 'stopping Lockstep in process', app.stop()));
}

/** A Lockstep started as its own OS process through `node src/infra/main.ts`. */
export interface ChildLockstep extends RunningLockstep {
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `node src/infra/main.ts` with `variables` until it exits; resolves with code and output. */
export function runMain(variables: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['src/infra/main.ts'], { env: { PATH: process.env['PATH'] ?? '', ...variables } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Starts Lockstep as a child process and waits until it listens. */
export async function startChild(env: TestEnvironment, extra: Record<string, string> = {}): Promise<ChildLockstep> {
  const variables = environmentVariables(env, { LOG_LEVEL: 'info', ...extra });
  const child = spawn(process.execPath, ['src/infra/main.ts'], { env: { PATH: process.env['PATH'] ?? '', ...variables } });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Lockstep did not start in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"Lockstep is listening"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Lockstep exited with ${code} before listening:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null) child.kill(signal);
    return within(35_000, `Lockstep child exiting on ${signal}\n${output.slice(-2000)}`, exited);
  };
  return {
    ...running(url, env, async () => {
      await kill('SIGTERM');
    }),
    child,
    output: () => output,
    kill,
  };
}

/** One Lockstep for a whole test file, started before its tests and cleaned up after them. */
export interface SuiteLockstep {
  readonly env: TestEnvironment;
  readonly lockstep: RunningLockstep;
}

/** Registers beforeAll/afterAll hooks that start Lockstep in this process and clean up. */
export function useLockstep(extra: Record<string, string> = {}): SuiteLockstep {
  let env: TestEnvironment | undefined;
  let lockstep: RunningLockstep | undefined;
  beforeAll(async () => {
    env = createTestEnvironment();
    lockstep = await startInProcess(env, extra);
  });
  afterAll(async () => {
    await lockstep?.stop();
    await env?.cleanup();
  });
  return {
    get env() {
      if (!env) throw new Error('useLockstep: the suite has not started yet');
      return env;
    },
    get lockstep() {
      if (!lockstep) throw new Error('useLockstep: the suite has not started yet');
      return lockstep;
    },
  };
}
