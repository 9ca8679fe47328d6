// `npm start`: one process serving the API and the worker. Exits non-zero with one clear line on
// bad configuration; on SIGTERM or SIGINT it stops accepting, finishes in-flight work, drains the
// outbox relay, closes its connections and exits 0.
import { ConfigError, loadConfig, secretsOf } from './config.ts';
import { redactText } from './redact.ts';
import { createLogger } from './logger.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`lockstep: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const secrets = secretsOf(config);
const logger = createLogger(config.logLevel, secrets);
try {
  // Loaded after the configuration checked out, so a bad variable is reported at once.
  const { startLockstep } = await import('./app.ts');
  const lockstep = await startLockstep(config, logger);
  if (lockstep.generatedAdminToken) {
    process.stdout.write(
      `\nLockstep generated an admin token (shown once; store it now):\n\n  ${lockstep.generatedAdminToken}\n\n` +
        `Use it as "Authorization: Bearer <token>" at ${lockstep.url}/graphql\n\n`,
    );
  }
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'signal received');
    // Shutdown phases are bounded; this is the last resort if something still holds on.
    setTimeout(() => {
      logger.error('shutdown did not finish within 30 s; exiting');
      process.exit(1);
    }, 30_000).unref();
    lockstep.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
} catch (error) {
  logger.fatal({ err: error }, 'Lockstep could not start');
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lockstep: could not start: ${redactText(message, secrets)}\n`);
  process.exit(1);
}
