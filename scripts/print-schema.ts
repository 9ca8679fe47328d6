// Prints the code-first schema to schema.graphql (`npm run schema:print`), or with --check fails
// when the committed file differs from what the code defines (`npm run schema:check`, run in CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { buildSchema } from '#graphql/schema.ts';

const target = new URL('../schema.graphql', import.meta.url);
const printed = `${printSchema(buildSchema())}\n`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // a missing file is stale too
  }
  if (committed !== printed) {
    console.error('schema.graphql is stale: run `npm run schema:print` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql is up to date.');
} else {
  writeFileSync(target, printed);
  console.log('wrote schema.graphql');
}
