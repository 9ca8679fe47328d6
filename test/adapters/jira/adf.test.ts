import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '#domain/json.ts';
import { adfToMarkdown, canonicalAdf, describeAdfLoss, isLossless, normaliseMarkdown, toAdf, type AdfBlock, type AdfDoc, type AdfInline, type AdfMark } from '#adapters/jira/adf.ts';

// Documents of the supported subset, in canonical form (what the parser produces): the round trip
// through Markdown must give them back unchanged.
const word = fc.stringMatching(/^[a-zA-Z0-9*_`[\]~#>+\-.()\\!=|]{1,6}$/);
const phrase = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' '));
const href = fc.constantFrom('https://example.com', 'https://example.com/a_(b)', 'http://x.test/?q=1&r=*');
const markSet = fc.record({ strong: fc.boolean(), em: fc.boolean(), strike: fc.boolean(), code: fc.boolean(), link: fc.option(href, { nil: undefined }) });

function marksOf(set: { strong: boolean; em: boolean; strike: boolean; code: boolean; link: string | undefined }): AdfMark[] {
  const marks: AdfMark[] = [];
  if (set.link !== undefined) marks.push({ type: 'link', attrs: { href: set.link } });
  if (set.strike) marks.push({ type: 'strike' });
  if (set.strong) marks.push({ type: 'strong' });
  if (set.em) marks.push({ type: 'em' });
  if (set.code) marks.push({ type: 'code' });
  return marks;
}

const textNode = fc.tuple(phrase, markSet).map(([text, set]): AdfInline => {
  const marks = marksOf(set);
  return marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text };
});

/** Inline content: text runs, single hard breaks between them, never at the edges. */
function inline(withBreaks: boolean) {
  return fc.array(fc.tuple(textNode, fc.boolean()), { minLength: 1, maxLength: 5 }).map((parts) => {
    const nodes: AdfInline[] = [];
    parts.forEach(([node, breakAfter], index) => {
      nodes.push(node);
      if (withBreaks && breakAfter && index < parts.length - 1) nodes.push({ type: 'hardBreak' });
    });
    return canonicalAdf({ type: 'paragraph', content: nodes }) as { content: AdfInline[] };
  });
}

const codeLine = fc.stringMatching(/^[a-z `*#>-]{0,8}$/);
const leaf: fc.Arbitrary<AdfBlock> = fc.oneof(
  inline(true).map(({ content }): AdfBlock => ({ type: 'paragraph', content })),
  fc.tuple(fc.integer({ min: 1, max: 6 }), inline(false)).map(([level, { content }]): AdfBlock => ({ type: 'heading', attrs: { level }, content })),
  fc.tuple(fc.option(fc.constantFrom('ts', 'python', 'json'), { nil: undefined }), fc.array(codeLine, { minLength: 1, maxLength: 3 })).map(([language, lines]): AdfBlock => {
    const text = lines.join('\n');
    return { type: 'codeBlock', ...(language ? { attrs: { language } } : {}), ...(text ? { content: [{ type: 'text', text }] } : {}) };
  }),
  fc.constant<AdfBlock>({ type: 'rule' }),
);

const { block } = fc.letrec<{ block: AdfBlock }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('block'), { minLength: 1, maxLength: 3 }).map((content): AdfBlock => ({ type: 'blockquote', content })),
    fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 12 }), fc.array(fc.tuple(inline(true), fc.array(tie('block'), { maxLength: 2 })), { minLength: 1, maxLength: 3 })).map(
      ([ordered, order, items]): AdfBlock => {
        const content = items.map(([first, rest]) => ({ type: 'listItem' as const, content: [{ type: 'paragraph' as const, content: first.content }, ...rest] }));
        if (!ordered) return { type: 'bulletList', content };
        return { type: 'orderedList', ...(order === 1 ? {} : { attrs: { order } }), content };
      },
    ),
  ),
}));

const doc = fc.array(block, { minLength: 0, maxLength: 5 }).map((content): AdfDoc => canonicalAdf({ type: 'doc', version: 1, content }) as unknown as AdfDoc);

describe('Markdown <-> ADF for the supported subset', () => {
  it('gives every document of the subset back unchanged after a trip through Markdown', () => {
    fc.assert(
      fc.property(doc, (adf) => {
        const markdown = adfToMarkdown(adf);
        expect(toAdf(markdown)).toEqual(adf);
        expect(isLossless(adf)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('keeps canonical Markdown unchanged: toMarkdown(toAdf(md)) === md', () => {
    fc.assert(
      fc.property(doc, (adf) => {
        const markdown = adfToMarkdown(adf);
        expect(normaliseMarkdown(markdown)).toBe(markdown);
      }),
      { numRuns: 300 },
    );
  });

  it('normalises hand-written variants to one spelling, and normalising twice changes nothing', () => {
    const written = '*em* and __strong__ and ~~gone~~\n\n* one\n* two\n    + nested\n\n1. first\n2. second\n\n> quoted\n\n***\n\n```js\nlet a = 1;\n```';
    const once = normaliseMarkdown(written);
    expect(once).toBe('_em_ and **strong** and ~~gone~~\n\n- one\n- two\n  - nested\n\n1. first\n2. second\n\n> quoted\n\n---\n\n```js\nlet a = 1;\n```');
    expect(normaliseMarkdown(once)).toBe(once);
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => {
      expect(normaliseMarkdown(normaliseMarkdown(text))).toBe(normaliseMarkdown(text));
    }), { numRuns: 300 });
  });

  it('reads the usual Markdown into the ADF Jira expects', () => {
    expect(toAdf('# Title\n\nSome **bold** and a [link](https://example.com).\nNext line')).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Some ' },
            { type: 'text', text: 'bold', marks: [{ type: 'strong' }] },
            { type: 'text', text: ' and a ' },
            { type: 'text', text: 'link', marks: [{ type: 'link', attrs: { href: 'https://example.com' } }] },
            { type: 'text', text: '.' },
            { type: 'hardBreak' },
            { type: 'text', text: 'Next line' },
          ],
        },
      ],
    });
    expect(toAdf('')).toEqual({ type: 'doc', version: 1, content: [] });
  });
});

describe('rich text outside the subset', () => {
  const table: JsonValue = {
    type: 'doc',
    version: 1,
    content: [
      { type: 'paragraph', content: [{ type: 'text', text: 'Before ' }, { type: 'mention', attrs: { id: '5b10a', text: '@Ann' } }] },
      { type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'cell' }] }] }] }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'red', marks: [{ type: 'textColor', attrs: { color: '#ff0000' } }] }] },
    ],
  };

  it('is detected and named, so the engine never overwrites it with a flattened copy', () => {
    expect(isLossless(table)).toBe(false);
    expect(describeAdfLoss(table)).toEqual(['node "mention"', 'node "table"', 'node "tableRow"', 'node "tableCell"', 'mark "textColor"']);
  });

  it('is still shown as its text', () => {
    expect(adfToMarkdown(table)).toBe('Before @Ann\n\ncell\n\nred');
  });

  it('counts Jira bookkeeping (localId, order 1, empty paragraphs) as no loss', () => {
    const jira = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', attrs: { localId: 'a1' }, content: [] },
        { type: 'orderedList', attrs: { order: 1, localId: 'b2' }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }] }] },
      ],
    };
    expect(describeAdfLoss(jira)).toEqual([]);
    expect(adfToMarkdown(jira)).toBe('1. x');
  });

  it('notices structure Markdown cannot say even with supported nodes (two hard breaks in a row)', () => {
    const doubled = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }] }] };
    expect(isLossless(doubled)).toBe(false);
  });
});
