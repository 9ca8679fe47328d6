// The reviewer console's browser code is TypeScript with Preact (src/console): esbuild bundles it
// into one script in memory the first time the console is asked for, so Lockstep needs no build
// step, ships no generated files, and the page loads nothing from outside the server.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The console's assets, ready to serve. */
export interface ConsoleBundle {
  readonly script: string;
  readonly styles: string;
}

const sources = join(import.meta.dirname, '..', '..', 'console');

async function bundle(): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: [join(sources, 'main.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error('the console bundle came out empty');
  return { script, styles: await readFile(join(sources, 'console.css'), 'utf8') };
}

let built: Promise<ConsoleBundle> | undefined;

/** The bundle, built once per process (a failed build is tried again on the next request). */
export function consoleBundle(): Promise<ConsoleBundle> {
  built ??= bundle().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}
