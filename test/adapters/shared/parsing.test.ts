// Every refused payload names where it is wrong as one word before the message, whatever the keys
// of the payload are: a label called " " or "a.b" is quoted rather than breaking the path apart.
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeIssues } from '#adapters/shared/parsing.ts';

const labels = z.object({ labels: z.record(z.string(), z.string()) });

/** The refusal of `value` by `schema`, described; throws when the schema takes it. */
function refusal(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`the schema took ${JSON.stringify(value)}`);
  return describeIssues(result.error, 'body');
}

describe('describeIssues', () => {
  it('names plain paths with dots and indexes', () => {
    const alerts = z.object({ alerts: z.array(z.object({ status: z.string() })) });
    expect(refusal(alerts, { alerts: [{ status: 1 }] })).toMatch(/^body\.alerts\[0\]\.status: /);
  });

  it('quotes a key that is not a plain name, so the path stays one word', () => {
    expect(refusal(labels, { labels: { ' ': [], 'a.b': 1 } })).toBe(
      'body.labels["\\u0020"]: Invalid input: expected string, received array; body.labels["a.b"]: Invalid input: expected string, received number',
    );
  });

  it('keeps every path one word whatever the keys are', () => {
    fc.assert(
      // zod drops a "__proto__" key rather than parse it (so a payload cannot reach a prototype),
      // which leaves nothing to refuse; every other key is refused and described.
      fc.property(
        fc.string().filter((key) => key !== '__proto__'),
        (key) => /^\S+: \S/.test(refusal(labels, { labels: { [key]: 1 } })),
      ),
    );
  });
});
