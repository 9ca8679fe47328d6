// NATS subject patterns matched in memory: `*` stands for one token, a final `>` for one or more.
// The shared event consumer uses it to hand each event to the subscriptions that asked for it.

/** True when `subject` matches `pattern` as NATS would match a subscription. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  for (let index = 0; index < wanted.length; index += 1) {
    const token = wanted[index];
    if (token === '>') return index === wanted.length - 1 && tokens.length > index;
    if (index >= tokens.length) return false;
    if (token !== '*' && token !== tokens[index]) return false;
  }
  return wanted.length === tokens.length;
}
