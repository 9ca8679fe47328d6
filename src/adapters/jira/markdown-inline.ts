// Inline Markdown -> ADF inline nodes: emphasis, strong, strike, code spans, links, hard breaks and
// backslash escapes. Delimiters pair up on a stack; one that never closes is literal text, as in
// CommonMark. Intraword rules are left out on purpose: the renderer escapes every delimiter
// character inside text, so a delimiter in canonical Markdown is always markup.

import type { AdfInline, AdfMark } from './adf.ts';
import { markOrder } from './adf.ts';

type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'break' }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'delim'; readonly delim: string; readonly mark: 'strong' | 'em' | 'strike' }
  | { readonly kind: 'linkOpen' }
  | { readonly kind: 'linkClose'; readonly href: string; readonly raw: string };

const punctuation = /[!-/:-@[-`{-~]/;

/** The ADF inline nodes of a paragraph's text (newlines are hard breaks). */
export function parseInline(source: string): AdfInline[] {
  return merge(build(tokenize(source)));
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = (): void => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    const next = source[i + 1];
    if (char === '\\' && next !== undefined && punctuation.test(next)) {
      text += next;
      i += 2;
    } else if (char === '\n') {
      flush();
      tokens.push({ kind: 'break' });
      i += 1;
    } else if (char === '`') {
      const run = /^`+/.exec(source.slice(i))?.[0] ?? '`';
      const close = findRun(source, i + run.length, run.length);
      if (close === -1) {
        text += run;
        i += run.length;
        continue;
      }
      let code = source.slice(i + run.length, close);
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
      flush();
      tokens.push({ kind: 'code', text: code });
      i = close + run.length;
    } else if ((char === '*' || char === '_' || char === '~') && next === char) {
      flush();
      tokens.push(char === '~' ? { kind: 'delim', delim: '~~', mark: 'strike' } : { kind: 'delim', delim: char + char, mark: 'strong' });
      i += 2;
    } else if (char === '*' || char === '_') {
      flush();
      tokens.push({ kind: 'delim', delim: char, mark: 'em' });
      i += 1;
    } else if (char === '[') {
      flush();
      tokens.push({ kind: 'linkOpen' });
      i += 1;
    } else if (char === ']' && next === '(') {
      const end = findLinkEnd(source, i + 2);
      if (end === -1) {
        text += char;
        i += 1;
        continue;
      }
      flush();
      const raw = source.slice(i, end + 1);
      tokens.push({ kind: 'linkClose', href: source.slice(i + 2, end).replace(/\\([\\()])/g, '$1'), raw });
      i = end + 1;
    } else {
      text += char;
      i += 1;
    }
  }
  flush();
  return tokens;
}

/** Index of the next run of exactly `length` backticks at or after `from`, or -1. */
function findRun(source: string, from: number, length: number): number {
  const pattern = /`+/g;
  pattern.lastIndex = from;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    if (match[0].length === length) return match.index;
  }
  return -1;
}

function findLinkEnd(source: string, from: number): number {
  for (let i = from; i < source.length; i += 1) {
    const char = source[i];
    if (char === '\\') i += 1;
    else if (char === '\n') return -1;
    else if (char === ')') return i;
  }
  return -1;
}

interface Frame {
  readonly opener: Token | undefined;
  readonly nodes: AdfInline[];
}

function build(tokens: readonly Token[]): AdfInline[] {
  const stack: Frame[] = [{ opener: undefined, nodes: [] }];
  const top = (): Frame => stack.at(-1) as Frame;
  const literal = (text: string): void => {
    top().nodes.push({ type: 'text', text });
  };
  for (const token of tokens) {
    switch (token.kind) {
      case 'text':
        literal(token.text);
        break;
      case 'break':
        top().nodes.push({ type: 'hardBreak' });
        break;
      case 'code':
        top().nodes.push({ type: 'text', text: token.text, marks: [{ type: 'code' }] });
        break;
      case 'delim': {
        const opener = top().opener;
        if (opener?.kind === 'delim' && opener.delim === token.delim) {
          closeFrame(stack, { type: opener.mark });
        } else if (stack.some((frame) => frame.opener?.kind === 'delim' && frame.opener.delim === token.delim)) {
          literal(token.delim);
        } else {
          stack.push({ opener: token, nodes: [] });
        }
        break;
      }
      case 'linkOpen':
        stack.push({ opener: token, nodes: [] });
        break;
      case 'linkClose':
        if (top().opener?.kind === 'linkOpen') closeFrame(stack, { type: 'link', attrs: { href: token.href } });
        else literal(token.raw);
        break;
      default:
        token satisfies never;
    }
  }
  while (stack.length > 1) {
    const frame = stack.pop() as Frame;
    const opener = frame.opener;
    const text = opener?.kind === 'delim' ? opener.delim : '[';
    top().nodes.push({ type: 'text', text }, ...frame.nodes);
  }
  return top().nodes;
}

function closeFrame(stack: Frame[], mark: AdfMark): void {
  const frame = stack.pop() as Frame;
  const parent = stack.at(-1) as Frame;
  if (frame.nodes.length === 0) {
    const opener = frame.opener;
    const text = opener?.kind === 'delim' ? opener.delim.repeat(2) : '[]';
    parent.nodes.push({ type: 'text', text });
    return;
  }
  for (const node of frame.nodes) parent.nodes.push(node.type === 'text' ? { ...node, marks: withMark(node.marks ?? [], mark) } : node);
}

function withMark(marks: readonly AdfMark[], mark: AdfMark): AdfMark[] {
  if (marks.some((existing) => existing.type === mark.type)) return [...marks];
  return [...marks, mark].sort((a, b) => markOrder.indexOf(a.type) - markOrder.indexOf(b.type));
}

function sameMarks(a: readonly AdfMark[] | undefined, b: readonly AdfMark[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** Adjacent text with equal marks merged, empty text dropped. */
function merge(nodes: readonly AdfInline[]): AdfInline[] {
  const out: AdfInline[] = [];
  for (const node of nodes) {
    if (node.type === 'text' && node.text === '') continue;
    const last = out.at(-1);
    if (node.type === 'text' && last?.type === 'text' && sameMarks(last.marks, node.marks)) {
      out[out.length - 1] = { ...last, text: last.text + node.text };
    } else {
      out.push(node);
    }
  }
  return out;
}
