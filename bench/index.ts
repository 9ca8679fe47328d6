// `npm run bench`: runs every suite in this folder and prints each figure as a ratio to the
// baseline measured in the same run. Absolute numbers are printed too, for context only.
import { ratioOf, type BenchFigure, type BenchSuite } from './figure.ts';

const suites: Array<[string, () => Promise<{ run: BenchSuite }>]> = [
  ['domain', () => import('./domain.bench.ts')],
  ['api', () => import('./api.bench.ts')],
  ['propagation', () => import('./propagation.bench.ts')],
  ['jira', () => import('./jira.bench.ts')],
  ['github', () => import('./github.bench.ts')],
  ['linear', () => import('./linear.bench.ts')],
  ['servicenow', () => import('./servicenow.bench.ts')],
  ['subscriptions', () => import('./subscriptions.bench.ts')],
  ['idle', () => import('./idle.bench.ts')],
  ['alerts', () => import('./alerts.bench.ts')],
];

function format(figure: BenchFigure): string {
  const value = `${figure.value.toFixed(figure.value < 10 ? 3 : 0)} ${figure.unit}`;
  const ratio = ratioOf(figure);
  const against = figure.baseline
    ? ` | ${ratio?.toFixed(2)}x of ${figure.baseline.name} (${figure.baseline.value.toFixed(0)} ${figure.unit})`
    : '';
  const detail = figure.detail ? ` | ${figure.detail}` : '';
  return `  ${figure.name}: ${value}${against}${detail}`;
}

const only = process.argv.slice(2);
for (const [name, load] of suites) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`# ${name}`);
  const { run } = await load();
  for (const figure of await run()) console.log(format(figure));
}
