// The layers' import rules, read from the source: the domain imports only itself, services and
// workers never reach up into the API layer, and nothing the production image ships imports a
// simulator (the image leaves simulators/ out, so such an import would fail at start).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((match) => match[1] ?? '');
}

/** `file imports spec` for each import of a file under `dir` that `forbidden` flags. */
function violations(dir: string, forbidden: (spec: string, file: string) => boolean): string[] {
  return sourceFiles(dir).flatMap((file) =>
    importsOf(file)
      .filter((spec) => forbidden(spec, file))
      .map((spec) => `${file} imports ${spec}`),
  );
}

describe('layers', () => {
  it('the domain imports no other layer and no I/O', () => {
    const io = ['pg', 'ws', 'pino', 'graphql', '@mikro-orm/', '@nats-io/', 'node:fs', 'node:net', 'node:http'];
    const outside = (spec: string): boolean =>
      (spec.startsWith('#') && !spec.startsWith('#domain/')) || io.some((name) => spec.startsWith(name));
    expect(violations('src/domain', outside)).toEqual([]);
  });

  it('services, workers, persistence and adapters never import the GraphQL layer', () => {
    // The composition root and the HTTP transports host the API; nothing else below it may import it.
    const hostsApi = (file: string): boolean => file === 'src/infra/app.ts' || file.startsWith('src/infra/http/');
    const upward = (spec: string, file: string): boolean =>
      (spec.startsWith('#graphql/') || spec.includes('/graphql/')) && !hostsApi(file);
    expect([...violations('src/infra', upward), ...violations('src/adapters', upward)]).toEqual([]);
  });

  it('nothing under src imports a simulator, and no simulator is left under src', () => {
    const simulator = (spec: string): boolean => spec.startsWith('#simulators/') || /simulator/.test(spec);
    expect(violations('src', simulator)).toEqual([]);
    expect(sourceFiles('src').filter((file) => /simulator/.test(file))).toEqual([]);
  });
});
