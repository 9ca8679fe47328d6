// Markdown -> ADF for the subset Lockstep mirrors into Jira. Deliberately not a full CommonMark
// parser: it reads back exactly what markdown-render.ts writes (so the round trip is lossless) and
// reads the usual hand-written variants (`*em*`, `__strong__`, `*`/`+` bullets, indented nested
// lists) into the same tree. Anything else stays literal text rather than being guessed at.
// A single newline inside a paragraph is a hard break: people who type a line break mean it.

import type { AdfBlock, AdfDoc, AdfInline, AdfListItem } from './adf.ts';
import { parseInline } from './markdown-inline.ts';

const heading = /^(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const fenceOpen = /^(`{3,})([^`]*)$/;
const rule = /^ {0,3}(?:-[ \t]*){3,}$|^ {0,3}(?:\*[ \t]*){3,}$|^ {0,3}(?:_[ \t]*){3,}$/;
const listMarker = /^( {0,3})([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/;
const quote = /^ {0,3}>/;

/** The ADF document for `markdown`. */
export function markdownToAdf(markdown: string): AdfDoc {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  return { type: 'doc', version: 1, content: parseBlocks(lines) };
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function startsBlock(line: string): boolean {
  return heading.test(line) || fenceOpen.test(line) || rule.test(line) || quote.test(line) || listMarker.test(line);
}

function parseBlocks(lines: readonly string[]): AdfBlock[] {
  const blocks: AdfBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (isBlank(line)) {
      i += 1;
      continue;
    }
    const fence = fenceOpen.exec(line);
    if (fence) {
      const [, open = '```', info = ''] = fence;
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !new RegExp(`^\`{${open.length},}[ \\t]*$`).test(lines[i] as string)) body.push(lines[i++] as string);
      i += 1;
      const text = body.join('\n');
      const language = info.trim();
      blocks.push({
        type: 'codeBlock',
        ...(language ? { attrs: { language } } : {}),
        ...(text ? { content: [{ type: 'text', text }] } : {}),
      });
      continue;
    }
    const title = heading.exec(line);
    if (title) {
      const content = parseInline(title[2] ?? '');
      blocks.push({ type: 'heading', attrs: { level: (title[1] ?? '#').length }, ...(content.length ? { content } : {}) });
      i += 1;
      continue;
    }
    if (rule.test(line)) {
      blocks.push({ type: 'rule' });
      i += 1;
      continue;
    }
    if (quote.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && quote.test(lines[i] as string)) inner.push((lines[i++] as string).replace(/^ {0,3}> ?/, ''));
      blocks.push({ type: 'blockquote', content: parseBlocks(inner) });
      continue;
    }
    if (listMarker.test(line)) {
      i = parseList(lines, i, blocks);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && !isBlank(lines[i] as string) && (paragraph.length === 0 || !startsBlock(lines[i] as string))) paragraph.push(lines[i++] as string);
    const content = parseInline(paragraph.join('\n'));
    if (content.length > 0) blocks.push({ type: 'paragraph', content });
  }
  return blocks;
}

interface Marker {
  readonly ordered: boolean;
  /** `-`, `*`, `+`, `.` or `)`: a list continues only with the same one. */
  readonly symbol: string;
  readonly number: number;
  readonly width: number;
  readonly first: string;
}

function readMarker(line: string): Marker | undefined {
  const match = listMarker.exec(line);
  if (!match) return undefined;
  const [, lead = '', marker = '-', gap = ' ', rest = ''] = match;
  const ordered = /\d/.test(marker);
  // A gap of five or more spaces would be indented code in CommonMark; one space is the marker's.
  const spaces = gap.length > 4 || rest === '' ? 1 : gap.length;
  return {
    ordered,
    symbol: ordered ? marker.slice(-1) : marker,
    number: ordered ? Number(marker.slice(0, -1)) : 0,
    width: lead.length + marker.length + spaces,
    first: gap.length > 4 ? `${' '.repeat(gap.length - 1)}${rest}` : rest,
  };
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Parses the list starting at `start` into `blocks`; returns the index after it. */
function parseList(lines: readonly string[], start: number, blocks: AdfBlock[]): number {
  const head = readMarker(lines[start] as string) as Marker;
  const items: AdfListItem[] = [];
  let i = start;
  while (i < lines.length) {
    const marker = readMarker(lines[i] as string);
    if (!marker || marker.ordered !== head.ordered || marker.symbol !== head.symbol) break;
    const body: string[] = [marker.first];
    i += 1;
    while (i < lines.length) {
      const line = lines[i] as string;
      if (isBlank(line)) {
        let next = i;
        while (next < lines.length && isBlank(lines[next] as string)) next += 1;
        if (next < lines.length && indentOf(lines[next] as string) >= marker.width) {
          for (; i < next; i += 1) body.push((lines[i] as string).slice(marker.width));
          continue;
        }
        break;
      }
      if (indentOf(line) >= marker.width) {
        body.push(line.slice(marker.width));
        i += 1;
        continue;
      }
      // A lazy continuation line of the item's paragraph, unless it starts a block of its own.
      if (startsBlock(line) || body.at(-1) === '' || !isParagraphLine(body.at(-1) ?? '')) break;
      body.push(line);
      i += 1;
    }
    const content = parseBlocks(body);
    items.push({ type: 'listItem', content: content.length > 0 ? content : [{ type: 'paragraph' }] });
    // A blank line between items keeps the list going when the next line is another item.
    let next = i;
    while (next < lines.length && isBlank(lines[next] as string)) next += 1;
    const following = next < lines.length ? readMarker(lines[next] as string) : undefined;
    if (following && following.ordered === head.ordered && following.symbol === head.symbol) i = next;
    else break;
  }
  if (head.ordered) {
    blocks.push({ type: 'orderedList', ...(head.number === 1 ? {} : { attrs: { order: head.number } }), content: items });
  } else {
    blocks.push({ type: 'bulletList', content: items });
  }
  return i;
}

function isParagraphLine(line: string): boolean {
  return !isBlank(line) && !startsBlock(line) && !/^ {0,3}`{3,}/.test(line);
}

/** Inline content for callers that only have a line of text. */
export function inlineToAdf(text: string): AdfInline[] {
  return parseInline(text);
}
