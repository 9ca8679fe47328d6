// GitHub has no idempotency key, so every issue and comment Lockstep writes carries a hidden HTML
// comment naming the hub's ticket or comment (`<!-- lockstep:ticket=<id> -->`, invisible in the
// rendered Markdown). A create whose answer was lost finds its copy by that marker instead of making
// a twin. The marker is stripped from every body read, so the hub never sees it.

/** What a marker names. */
export type MarkerKind = 'ticket' | 'comment';

const separator = '\n\n';
const markerPattern = /(?:\r?\n\r?\n)?<!-- lockstep:(ticket|comment)=([A-Za-z0-9_-]{1,100}) -->[ \t]*(?=\r?\n|$)/;

/** The marker text for `id`. */
export function markerFor(kind: MarkerKind, id: string): string {
  return `<!-- lockstep:${kind}=${id} -->`;
}

/** `text` with the marker for `id` at its end. */
export function withMarker(text: string, kind: MarkerKind, id: string): string {
  return text === '' ? markerFor(kind, id) : `${text}${separator}${markerFor(kind, id)}`;
}

/** `body` without its marker (the first one), and the id it named. */
export function stripMarker(body: string): {
  readonly text: string;
  readonly marked?: { readonly kind: MarkerKind; readonly id: string };
} {
  const match = markerPattern.exec(body);
  if (!match) return { text: body };
  const text = body.slice(0, match.index) + body.slice(match.index + match[0].length);
  return { text, marked: { kind: match[1] as MarkerKind, id: match[2] ?? '' } };
}

/** True when `body` carries the marker for `id`. */
export function hasMarker(body: string | null | undefined, kind: MarkerKind, id: string): boolean {
  return (body ?? '').includes(markerFor(kind, id));
}
