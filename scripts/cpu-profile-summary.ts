// Summarises a `node --cpu-prof` profile: self time by package (node_modules/<pkg>, Lockstep's own
// folders, node internals) and the heaviest functions, so a profile reads in one screen.
// Usage: node scripts/cpu-profile-summary.ts <file.cpuprofile> [top functions, default 30]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: node scripts/cpu-profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

/** The package a frame belongs to: `@mikro-orm/core`, `lockstep:src/infra`, `(idle)`, `node:internal`. */
function packageOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') return `(${functionName || 'native'})`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node:internal';
  const local = /\/(src|bench|simulators|test)\/([^/]+)/.exec(url);
  return local ? `lockstep:${local[1]}/${local[2]}` : url;
}

const self = new Map<number, number>();
profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
const total = [...self.values()].reduce((sum, value) => sum + value, 0);
const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((sum, [, value]) => sum + value, 0);
const busy = total - idle;

const packages = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, micros] of self) {
  const node = byId.get(id);
  if (!node || node.callFrame.functionName === '(idle)') continue;
  const pkg = packageOf(node);
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  const name = `${node.callFrame.functionName || '(anonymous)'} ${pkg}:${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + micros);
}

const share = (micros: number) => `${((micros / busy) * 100).toFixed(1).padStart(5)}%`;
console.log(`${(total / 1e6).toFixed(1)} s profiled, busy ${((busy / total) * 100).toFixed(0)}%; shares below are of busy time`);
console.log('\nself time by package');
for (const [pkg, micros] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${share(micros)}  ${pkg}`);
console.log('\nself time by function');
for (const [name, micros] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 30))) console.log(`${share(micros)}  ${name}`);
