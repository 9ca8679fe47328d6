import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalise } from '#domain/merge/version-vector.ts';
import { createRegister, registerVersion, unseenSiblings, writeRegister, type Sibling } from '#domain/merge/register.ts';
import { decodeVersion, encodeVersion } from '#domain/merge/version-token.ts';
import { InvalidVersionToken } from '#domain/errors.ts';

const sibling = (value: string, replica: string, counter: number): Sibling => ({
  value,
  dot: { replica, counter },
  at: { wall: counter, logical: 0, node: replica },
  origin: { replica },
});

describe('multi-value register with dots', () => {
  it('a write that saw the current value replaces it', () => {
    const reg = createRegister(sibling('a', 'hub', 1));
    const next = writeRegister(reg, sibling('b', 'hub', 2), { hub: 1 });
    expect(next.siblings.map((s) => s.value)).toEqual(['b']);
  });

  it('two writers through the same hub, the second with a stale context, stay concurrent', () => {
    let reg = createRegister(sibling('a', 'hub', 1));
    reg = writeRegister(reg, sibling('b', 'hub', 2), { hub: 1 });
    reg = writeRegister(reg, sibling('c', 'hub', 3), { hub: 1 });
    expect(reg.siblings.map((s) => s.value)).toEqual(['b', 'c']);
    expect(unseenSiblings(reg, { hub: 2 }).map((s) => s.value)).toEqual(['c']);
    expect(registerVersion(reg)).toEqual({ hub: 3 });
  });
});

describe('version token', () => {
  it('round-trips a vector and is canonical', () => {
    expect(decodeVersion(encodeVersion({ jira: 2, hub: 7 }))).toEqual({ hub: 7, jira: 2 });
    expect(encodeVersion({ b: 1, a: 2 })).toBe(encodeVersion({ a: 2, b: 1, c: 0 }));
  });

  it('is the base64url of the normalised vector as JSON, whatever the replica ids (unicode, integer-like)', () => {
    const reference = (vector: Record<string, number>) => {
      let binary = '';
      for (const byte of new TextEncoder().encode(JSON.stringify(normalise(vector)))) binary += String.fromCharCode(byte);
      return `v1.${btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`;
    };
    const replica = fc.oneof(fc.constantFrom('hub', '10', '9', '0', '01', 'jira'), fc.string({ unit: 'grapheme', maxLength: 12 }));
    fc.assert(
      fc.property(fc.dictionary(replica, fc.nat({ max: 2 ** 40 })), (vector) => {
        expect(encodeVersion(vector)).toBe(reference(vector));
        expect(decodeVersion(encodeVersion(vector))).toEqual(normalise(vector));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses garbage with a typed error', () => {
    expect(() => decodeVersion('nope')).toThrow(InvalidVersionToken);
    expect(() => decodeVersion('v1.!!!')).toThrow(InvalidVersionToken);
    expect(() => decodeVersion(`v1.${btoa('[1,2]')}`)).toThrow(InvalidVersionToken);
    expect(() => decodeVersion(`v1.${btoa('{"hub":-1}')}`)).toThrow(/expectedVersion/);
  });
});
