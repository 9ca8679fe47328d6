// Structured logs (pino, JSON lines) for operators; one logger per process, children per module.
import { pino, type Logger } from 'pino';
import { redactText } from './redact.ts';

export type { Logger };

/** The process logger (stdout unless `destination`); `silent` keeps tests quiet; `secrets` never reach a line. */
export function createLogger(level: string, secrets: readonly string[] = [], destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    ...(secrets.length > 0 ? { hooks: { streamWrite: (line: string) => redactText(line, secrets) } } : {}),
    base: { service: 'lockstep' },
    redact: { paths: ['*.authorization', '*.token', '*.apiToken', '*.secret', '*.password'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
