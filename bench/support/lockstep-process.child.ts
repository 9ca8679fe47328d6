// The child-process half of `lockstep-process.ts`: starts Lockstep with the settings it is sent
// (the first process's database and NATS prefix), reports its URL, and stops when told or orphaned.
import { once } from 'node:events';
import { startLockstep } from '#infra/app.ts';
import { loadConfig } from '#infra/config.ts';
import { createLogger } from '#infra/logger.ts';

const [settings] = (await once(process, 'message')) as [Record<string, string>];
const app = await startLockstep(loadConfig(settings), createLogger('silent'));

async function stop(): Promise<void> {
  await app.stop();
  process.exit(0);
}
process.on('message', (message) => {
  if (message === 'stop') void stop();
});
process.on('disconnect', () => void stop());
process.send?.({ url: app.url });
