// A NATS server of a test's own (the machine's nats-server binary on a free port, JetStream on,
// storage in a temporary folder) for tests that take NATS down and bring it back: outages are
// real, not simulated.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server did not listen on ${port} within ${timeoutMs} ms`);
}

/** A private nats-server that can be stopped and started again on the same port and storage. */
export interface PrivateNats {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server and deletes its storage. */
  dispose(): Promise<void>;
}

/** Starts a private nats-server with JetStream. */
export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const storage = mkdtempSync(join(tmpdir(), 'lockstep-nats-'));
  let child: ChildProcess | undefined;
  const handle: PrivateNats = {
    url: `nats://127.0.0.1:${port}`,
    async start() {
      child = spawn(BINARY, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storage], { stdio: 'ignore' });
      await waitForPort(port, 10_000);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGKILL');
      });
    },
    async dispose() {
      await handle.stop();
      rmSync(storage, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
