// Which hosts may hand Lockstep an SNS signing certificate or a subscription to confirm. Anyone
// can post an envelope naming any URL, so only URLs on Amazon's SNS hosts are fetched, over
// https. A project can name other hosts (a simulator on loopback): `host[:port]` patterns, where
// `*` stands for one DNS label, or `http://host:port` to allow plain http for that host.

/** Amazon's SNS endpoints (`sns.<region>.amazonaws.com`, and `.com.cn` in China). */
export const defaultTrustedSnsHosts: readonly string[] = ['sns.*.amazonaws.com', 'sns.*.amazonaws.com.cn'];

const patternShape = /^(https?:\/\/)?[a-z0-9*]([a-z0-9*.-]*[a-z0-9*])?(:\d{1,5})?$/i;

/** True when `pattern` is a host pattern this module understands. */
export function isHostPattern(pattern: string): boolean {
  return patternShape.test(pattern);
}

/** True when `url` is https (or the scheme its pattern names) on a host matching one of `patterns`. */
export function isTrustedSnsUrl(url: string, patterns: readonly string[]): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  if (parsed.username !== '' || parsed.password !== '') return false;
  return patterns.some((pattern) => matches(parsed, pattern));
}

function matches(url: URL, pattern: string): boolean {
  const scheme = /^(https?):\/\//i.exec(pattern);
  const protocol = scheme ? `${scheme[1]?.toLowerCase()}:` : 'https:';
  const hostPattern = scheme ? pattern.slice(scheme[0].length) : pattern;
  if (url.protocol !== protocol) return false;
  return hostRegExp(hostPattern).test(url.host);
}

function hostRegExp(hostPattern: string): RegExp {
  const escaped = hostPattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9-]+');
  return new RegExp(`^${escaped}$`);
}
