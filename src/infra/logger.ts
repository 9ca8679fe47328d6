// Structured logs (pino, JSON lines) for operators; one logger per process, children per module.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; `silent` keeps test output readable. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'lockstep' },
    redact: { paths: ['*.authorization', '*.token', '*.apiToken', '*.secret', '*.password'], censor: '[redacted]' },
  });
}
