// Structured logs (pino) for operators; one logger per process, children per module. JSON lines
// for log shippers, readable lines when a person watches a terminal.
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { redactText } from './redact.ts';

export type { Logger };

/** The process logger (stdout unless `destination`); `silent` keeps tests quiet; `secrets` never reach a line.
 * On stdout, lines are pretty when stdout is a terminal and JSON otherwise. */
export function createLogger(level: string, secrets: readonly string[] = [], destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    ...(secrets.length > 0 ? { hooks: { streamWrite: (line: string) => redactText(line, secrets) } } : {}),
    base: { service: 'lockstep' },
    redact: { paths: ['*.authorization', '*.token', '*.apiToken', '*.secret', '*.password'], censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  // Pretty printing runs in this thread (sync), so nothing is lost on exit.
  if (process.stdout.isTTY) return pino(options, PinoPretty({ colorize: true, sync: true, ignore: 'pid,hostname,service' }));
  return pino(options);
}
