// Another Lockstep process on the same database and NATS prefix as one the bench started: what a
// second worker behind a load balancer is. It runs in a child process so it has an event loop (and
// a core) of its own; it stops when disposed, and with the bench if the bench dies.
import { fork } from 'node:child_process';
import { once } from 'node:events';

/** The second process; dispose it to stop it (its state is the first one's, removed with that). */
export interface LockstepProcess extends AsyncDisposable {
  /** Base URL it listens on. */
  readonly url: string;
}

/** How long the child may take to start. */
const START_LIMIT_MS = 30_000;

/** Forks Lockstep with `settings` (a `BenchLockstep`'s) and resolves once it listens. */
export async function startLockstepProcess(settings: Readonly<Record<string, string>>): Promise<LockstepProcess> {
  const child = fork(new URL('./lockstep-process.child.ts', import.meta.url), [], { serialization: 'json' });
  const started = Promise.race([
    once(child, 'message') as Promise<[{ url: string }]>,
    once(child, 'exit').then(([code]) => {
      throw new Error(`the second Lockstep process exited with ${String(code)} before listening`);
    }),
  ]);
  const timer = setTimeout(() => child.kill(), START_LIMIT_MS);
  try {
    child.send(settings);
    const [{ url }] = await started;
    return {
      url,
      async [Symbol.asyncDispose]() {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.send('stop');
        const forced = setTimeout(() => child.kill(), 10_000);
        await exited;
        clearTimeout(forced);
      },
    };
  } catch (error) {
    child.kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
