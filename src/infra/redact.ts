// Keeps secrets out of logs and error output: the password in DATABASE_URL, the credentials in
// NATS_URL, and the configured tokens and keys are replaced wherever they would be written.

const mask = '***';

/** The secret parts of a connection URL: its password, or a user name that stands alone as a token. */
export function urlCredentials(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(url)?.[1];
    return userinfo ? userinfo.split(':').slice(userinfo.includes(':') ? 1 : 0).filter((part) => part.length > 0) : [];
  }
  const parts = parsed.password ? [parsed.password] : parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:' ? [parsed.username] : [];
  return parts.filter((part) => part.length > 0).flatMap((part) => [part, safeDecode(part)]);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `url` with its credentials masked (`postgres://app:***@db/lockstep`); unparsable URLs too. */
export function redactUrl(url: string): string {
  return redactText(url, urlCredentials(url));
}

/** `text` with every one of `secrets` (those of 3 characters or more) masked. */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of [...new Set(secrets)].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join(mask);
  }
  return result;
}
