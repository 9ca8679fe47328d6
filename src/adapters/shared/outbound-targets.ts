// Server-side request forgery guard: connectors call only public addresses unless the operator
// allows private ones (LOCKSTEP_ALLOW_PRIVATE_TARGETS, for simulators and tests). Checked when a
// project is connected (every URL in its config) and again on every call, on the addresses the
// host name resolves to then. sendRequest uses it; SDK clients take `guardedFetch`.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ExternalCallError } from '#domain/project/connector.ts';

const refused = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  refused.addSubnet(network, prefix, 'ipv6');
}

let allowPrivate = false;

/** Set once by the composition root from LOCKSTEP_ALLOW_PRIVATE_TARGETS; refused until then. */
export function allowPrivateTargets(allow: boolean): void {
  allowPrivate = allow;
}

/** True for loopback, private, link-local, carrier-grade NAT, multicast and reserved addresses (IPv4-mapped too). */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return refused.check(address, 'ipv4');
  if (version === 6) return refused.check(address, 'ipv6');
  return false;
}

/** Why `url` may not be called (not http(s), or a host that is or resolves to a private address). */
export async function privateTargetProblem(url: string): Promise<string | undefined> {
  if (allowPrivate) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${parsed.protocol} is not http or https`;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      return undefined; // Unresolvable: the call itself fails and says so.
    }
  }
  const found = addresses.find(isPrivateAddress);
  if (found === undefined) return undefined;
  const where = found === host ? host : `${host} (${found})`;
  return `${where} is a loopback, private or link-local address; set LOCKSTEP_ALLOW_PRIVATE_TARGETS=true to allow it`;
}

/** Throws ExternalCallError `rejected` when `url` may not be called. */
export async function assertPublicTarget(url: string): Promise<void> {
  const problem = await privateTargetProblem(url);
  if (problem) throw new ExternalCallError('rejected', `refused to call ${new URL(url).origin}: ${problem}`);
}

/** `fetch` that checks the target first; hand it to SDK clients that take a custom fetch. */
export const guardedFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  await assertPublicTarget(url);
  return fetch(input, init);
};

/** Every http(s) URL held in a connector config, with where it sits (`config.baseUrl`). */
export function urlsIn(value: unknown, path = 'config'): Array<{ path: string; url: string }> {
  if (typeof value === 'string') return /^https?:\/\//i.test(value) ? [{ path, url: value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => urlsIn(item, `${path}.${index}`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => urlsIn(item, `${path}.${key}`));
  return [];
}
