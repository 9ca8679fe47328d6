// ADF -> Markdown. The output is the canonical spelling the parser in markdown.ts reads back to the
// same tree: `**strong**`, `_em_`, `~~strike~~`, code spans with fences longer than any backtick run
// inside, `-` bullets (`*` for a list directly after another), `1.` numbering, fenced code blocks,
// and every character that could start markup escaped. Nodes outside the subset are flattened to
// their text so a person still sees the content; adf.ts reports that the round trip lost something.

type Node = Readonly<Record<string, unknown>>;

const markRank: Readonly<Record<string, number>> = { link: 0, strike: 1, strong: 2, em: 3, code: 4 };
const delimiters: Readonly<Record<string, string>> = { strike: '~~', strong: '**', em: '_' };
const escapedAnywhere = /[\\`*_~[\]]/g;
const lineStartMarkup = /^(#|>|-|\+|=|\|)/;
const lineStartNumber = /^(\d+)([.)])/;

/** The canonical Markdown of an ADF node (usually a `doc`). */
export function renderMarkdown(doc: unknown): string {
  const node = asNode(doc);
  if (!node) return '';
  if (node['type'] === 'doc') return renderBlocks(children(node));
  return renderBlocks([node]);
}

function asNode(value: unknown): Node | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : undefined;
}

function children(node: Node): Node[] {
  const content = node['content'];
  return Array.isArray(content) ? content.map(asNode).filter((child): child is Node => child !== undefined) : [];
}

function attr(node: Node, name: string): unknown {
  const attrs = asNode(node['attrs']);
  return attrs?.[name];
}

function renderBlocks(blocks: readonly Node[]): string {
  const parts: string[] = [];
  const lists = alternation();
  for (const block of blocks) {
    if (block['type'] === 'paragraph' && children(block).length === 0) continue;
    const rendered = renderBlock(block, lists(block));
    if (rendered !== undefined) parts.push(rendered);
  }
  return parts.join('\n\n');
}

/**
 * For each block in turn: whether a list must use the alternative marker (`*`, `1)`) because it
 * directly follows a list of the same type that used the usual one; otherwise the two would read
 * back as one list.
 */
function alternation(): (block: Node) => boolean {
  let previousType: unknown;
  let previousAlt = false;
  return (block) => {
    const alt = block['type'] === previousType ? !previousAlt : false;
    previousType = block['type'];
    previousAlt = alt;
    return alt;
  };
}

/** One block, or undefined for an empty paragraph (Markdown has no way to write one). */
function renderBlock(block: Node, alternative: boolean): string | undefined {
  switch (block['type']) {
    case 'paragraph': {
      const text = renderInline(children(block), true);
      return text === '' ? undefined : text;
    }
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(attr(block, 'level') ?? 1) || 1));
      const text = renderInline(children(block), false).replace(/\n/g, ' ');
      return text === '' ? '#'.repeat(level) : `${'#'.repeat(level)} ${text}`;
    }
    case 'bulletList':
    case 'orderedList':
      return renderList(block, alternative);
    case 'codeBlock': {
      const text = plainText(block);
      const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
      const fence = '`'.repeat(Math.max(3, longest + 1));
      const language = attr(block, 'language');
      return `${fence}${typeof language === 'string' ? language : ''}\n${text}\n${fence}`;
    }
    case 'blockquote':
      return prefixLines(renderBlocks(children(block)), '> ', '>');
    case 'rule':
      return '---';
    default: {
      // Outside the subset (table, panel, mediaSingle...): keep what text it holds, as paragraphs.
      const inner = children(block);
      if (inner.length === 0) return plainText(block) || undefined;
      const isInlineOnly = inner.every((child) => child['type'] === 'text' || child['type'] === 'hardBreak' || !Array.isArray(child['content']));
      return (isInlineOnly ? renderInline(inner, true) : renderBlocks(inner)) || undefined;
    }
  }
}

function renderList(list: Node, followsSameList: boolean): string {
  const ordered = list['type'] === 'orderedList';
  const start = Number(attr(list, 'order') ?? 1) || 1;
  return children(list)
    .map((item, index) => {
      const marker = ordered ? `${start + index}${followsSameList ? ')' : '.'} ` : followsSameList ? '* ' : '- ';
      const body = renderItem(item);
      const indent = ' '.repeat(marker.length);
      return `${marker}${prefixLines(body, indent, '').slice(indent.length)}`;
    })
    .join('\n');
}

function renderItem(item: Node): string {
  const parts: string[] = [];
  const lists = alternation();
  let previous: Node | undefined;
  for (const block of children(item)) {
    const rendered = renderBlock(block, lists(block));
    if (rendered === undefined) continue;
    const isList = block['type'] === 'bulletList' || block['type'] === 'orderedList';
    if (parts.length > 0) parts.push(isList && previous?.['type'] === 'paragraph' ? '\n' : '\n\n');
    parts.push(rendered);
    previous = block;
  }
  return parts.join('');
}

function prefixLines(text: string, prefix: string, emptyPrefix: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? emptyPrefix : `${prefix}${line}`))
    .join('\n');
}

/** All text under `node`, hard breaks as newlines. */
export function plainText(node: Node): string {
  if (node['type'] === 'text') return typeof node['text'] === 'string' ? node['text'] : '';
  if (node['type'] === 'hardBreak') return '\n';
  const inner = children(node);
  if (inner.length > 0) return inner.map(plainText).join('');
  // Inline nodes without content (mention, emoji, status, inlineCard) carry their text in attrs.
  for (const name of ['text', 'shortName', 'url']) {
    const value = attr(node, name);
    if (typeof value === 'string') return value;
  }
  return '';
}

interface Run {
  readonly text: string;
  readonly marks: readonly Node[];
  readonly isBreak: boolean;
}

function renderInline(nodes: readonly Node[], lineStart: boolean): string {
  const runs: Run[] = nodes.map((node) => {
    if (node['type'] === 'hardBreak') return { text: '\n', marks: [], isBreak: true };
    const marks = Array.isArray(node['marks']) ? node['marks'].map(asNode).filter((mark): mark is Node => mark !== undefined && String(mark['type']) in markRank) : [];
    return { text: node['type'] === 'text' ? String(node['text'] ?? '') : plainText(node), marks, isBreak: false };
  });
  const state = { lineStart };
  return renderRuns(runs.filter((run) => run.isBreak || run.text !== ''), state);
}

function sameMark(a: Node, b: Node): boolean {
  return a['type'] === b['type'] && (a['type'] !== 'link' || attr(a, 'href') === attr(b, 'href'));
}

/** Renders runs, opening the outermost mark shared by the longest stretch of runs first. */
function renderRuns(runs: readonly Run[], state: { lineStart: boolean }): string {
  let out = '';
  let i = 0;
  while (i < runs.length) {
    const run = runs[i] as Run;
    if (run.isBreak) {
      out += '\n';
      state.lineStart = true;
      i += 1;
      continue;
    }
    const outer = [...run.marks].sort((a, b) => (markRank[String(a['type'])] ?? 9) - (markRank[String(b['type'])] ?? 9))[0];
    if (!outer) {
      out += escapeText(run.text, state);
      i += 1;
      continue;
    }
    if (outer['type'] === 'code') {
      out += codeSpan(run.text);
      state.lineStart = false;
      i += 1;
      continue;
    }
    let end = i + 1;
    while (end < runs.length && !(runs[end] as Run).isBreak && (runs[end] as Run).marks.some((mark) => sameMark(mark, outer))) end += 1;
    const inner = runs.slice(i, end).map((r) => ({ ...r, marks: r.marks.filter((mark) => !sameMark(mark, outer)) }));
    state.lineStart = false;
    if (outer['type'] === 'link') {
      const href = String(attr(outer, 'href') ?? '').replace(/[\\()]/g, (char) => `\\${char}`);
      out += `[${renderRuns(inner, state)}](${href})`;
    } else {
      const delimiter = delimiters[String(outer['type'])] ?? '';
      out += `${delimiter}${renderRuns(inner, state)}${delimiter}`;
    }
    state.lineStart = false;
    i = end;
  }
  return out;
}

function escapeText(text: string, state: { lineStart: boolean }): string {
  let escaped = text.replace(escapedAnywhere, (char) => `\\${char}`);
  if (state.lineStart) {
    if (lineStartMarkup.test(escaped)) escaped = `\\${escaped}`;
    else escaped = escaped.replace(lineStartNumber, (_match, digits: string, mark: string) => `${digits}\\${mark}`);
  }
  state.lineStart = false;
  return escaped;
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
