// How the console writes values and times for people: JSON values as text, times relative to now.

/** A field value as a person reads it: text as is, lists comma-separated, null as "(empty)". */
export function showValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(showValue).join(', ');
  return JSON.stringify(value);
}

/** "3 min ago", "just now", or the date for anything older than a day. */
export function showTime(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  const seconds = Math.round((Date.now() - at) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(at).toLocaleString();
}

/** Enum values as words: IN_PROGRESS -> "In progress". */
export function showEnum(value: string): string {
  const words = value.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
