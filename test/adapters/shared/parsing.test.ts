// Every refused payload names where it is wrong as one word before the message, whatever the keys
// of the payload are: a label called " " or "a.b" is quoted rather than breaking the path apart.
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeIssues } from '#adapters/shared/parsing.ts';

const labels = z.object({ labels: z.record(z.string(), z.string()) });

describe('describeIssues', () => {
  it('names plain paths with dots and indexes', () => {
    const result = z.object({ alerts: z.array(z.object({ status: z.string() })) }).safeParse({ alerts: [{ status: 1 }] });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues(result.error, 'body')).toMatch(/^body\.alerts\[0\]\.status: /);
  });

  it('quotes a key that is not a plain name, so the path stays one word', () => {
    const result = labels.safeParse({ labels: { ' ': [], 'a.b': 1 } });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(describeIssues(result.error, 'body')).toBe(
        'body.labels["\\u0020"]: Invalid input: expected string, received array; body.labels["a.b"]: Invalid input: expected string, received number',
      );
    }
  });

  it('keeps every path one word whatever the keys are', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const result = labels.safeParse({ labels: { [key]: 1 } });
        if (result.success) return false;
        return /^\S+: \S/.test(describeIssues(result.error, 'body'));
      }),
    );
  });
});
