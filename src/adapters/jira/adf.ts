// Atlassian Document Format (ADF), the JSON tree Jira Cloud keeps rich text in, and its rendering
// into the Markdown the hub stores. Only a subset maps both ways without loss (paragraphs, hard
// breaks, headings, bold/italic/code/strike, links, lists, code blocks, quotes, rules); anything
// else (tables, panels, mentions, colours...) can be shown as text but not written back. So this
// module also tells whether a document survives the round trip: the engine must never overwrite a
// person's rich text with our flattened copy of it.

import { jsonEquals, type JsonValue } from '#domain/json.ts';
import { markdownToAdf } from './markdown.ts';
import { renderMarkdown } from './markdown-render.ts';

/** The marks of the subset. */
export type AdfMark =
  | { readonly type: 'strong' | 'em' | 'code' | 'strike' }
  | { readonly type: 'link'; readonly attrs: { readonly href: string } };

/** Inline nodes of the subset. */
export type AdfInline =
  | { readonly type: 'text'; readonly text: string; readonly marks?: readonly AdfMark[] }
  | { readonly type: 'hardBreak' };

/** A list item: blocks, the first usually a paragraph. */
export interface AdfListItem {
  readonly type: 'listItem';
  readonly content: readonly AdfBlock[];
}

/** Block nodes of the subset. */
export type AdfBlock =
  | { readonly type: 'paragraph'; readonly content?: readonly AdfInline[] }
  | { readonly type: 'heading'; readonly attrs: { readonly level: number }; readonly content?: readonly AdfInline[] }
  | { readonly type: 'bulletList'; readonly content: readonly AdfListItem[] }
  | { readonly type: 'orderedList'; readonly attrs?: { readonly order: number }; readonly content: readonly AdfListItem[] }
  | { readonly type: 'codeBlock'; readonly attrs?: { readonly language: string }; readonly content?: readonly AdfInline[] }
  | { readonly type: 'blockquote'; readonly content: readonly AdfBlock[] }
  | { readonly type: 'rule' };

/** An ADF document of the subset. */
export interface AdfDoc {
  readonly type: 'doc';
  readonly version: 1;
  readonly content: readonly AdfBlock[];
}

/** Marks in the order they are nested when rendered (outermost first) and stored. */
export const markOrder = ['link', 'strike', 'strong', 'em', 'code'] as const;

/** Node types whose ordinary attributes carry no content (Jira adds `localId` to many). */
const ignoredAttrs = new Set(['localId']);

/** An empty document. */
export function emptyDoc(): AdfDoc {
  return { type: 'doc', version: 1, content: [] };
}

/** The Markdown of any ADF document; nodes outside the subset are flattened to their text. */
export function adfToMarkdown(doc: unknown): string {
  if (doc === null || doc === undefined) return '';
  return renderMarkdown(doc);
}

/** Markdown as ADF (the subset; other Markdown is kept as text). */
export function toAdf(markdown: string): AdfDoc {
  return markdownToAdf(markdown);
}

/** `markdown` in the canonical spelling the round trip through Jira produces. */
export function normaliseMarkdown(markdown: string): string {
  return adfToMarkdown(markdownToAdf(markdown));
}

/**
 * Why `doc` does not survive ADF -> Markdown -> ADF (empty when it does): node types and marks
 * outside the subset first, then any other difference the round trip makes.
 */
export function describeAdfLoss(doc: unknown): string[] {
  if (doc === null || doc === undefined) return [];
  const reasons = new Set<string>();
  collectUnsupported(doc, reasons);
  if (reasons.size === 0 && !jsonEquals(canonicalAdf(doc), markdownToAdf(adfToMarkdown(doc)) as unknown as JsonValue)) {
    reasons.add('formatting Markdown cannot express (e.g. leading spaces or marks inside code)');
  }
  return [...reasons];
}

/** True when `doc` survives the round trip through Markdown unchanged (in canonical form). */
export function isLossless(doc: unknown): boolean {
  return describeAdfLoss(doc).length === 0;
}

const supportedNodes = new Set(['doc', 'paragraph', 'text', 'hardBreak', 'heading', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'blockquote', 'rule']);
const supportedMarks = new Set<string>(markOrder);

function collectUnsupported(node: unknown, reasons: Set<string>): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    reasons.add('a node that is not an object');
    return;
  }
  const record = node as Record<string, unknown>;
  const type = typeof record['type'] === 'string' ? record['type'] : '(untyped)';
  if (!supportedNodes.has(type)) reasons.add(`node "${type}"`);
  if (Array.isArray(record['marks'])) {
    for (const mark of record['marks'] as unknown[]) {
      const markType = typeof mark === 'object' && mark !== null ? (mark as Record<string, unknown>)['type'] : undefined;
      if (typeof markType !== 'string' || !supportedMarks.has(markType)) reasons.add(`mark "${String(markType)}"`);
      else if (markType === 'link' && linkHasExtras(mark)) reasons.add('link title');
    }
  }
  if (Array.isArray(record['content'])) for (const child of record['content'] as unknown[]) collectUnsupported(child, reasons);
}

function linkHasExtras(mark: unknown): boolean {
  const attrs = (mark as { attrs?: unknown }).attrs;
  if (typeof attrs !== 'object' || attrs === null) return false;
  return Object.keys(attrs).some((key) => key !== 'href' && !ignoredAttrs.has(key));
}

/**
 * `doc` in the canonical form the Markdown parser produces: adjacent text with equal marks merged,
 * marks sorted, empty paragraphs dropped, `localId` and default attributes removed. Unknown nodes
 * pass through unchanged (so they never compare equal to a round trip that dropped them).
 */
export function canonicalAdf(doc: unknown): JsonValue {
  return canonicalNode(doc) ?? null;
}

function canonicalNode(node: unknown): JsonValue | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node as JsonValue;
  const record = node as Record<string, JsonValue>;
  const type = record['type'];
  if (typeof type !== 'string' || !supportedNodes.has(type)) return record;
  const out: Record<string, JsonValue> = { type };
  if (type === 'doc') out['version'] = 1;
  const attrs = canonicalAttrs(type, record['attrs']);
  if (attrs) out['attrs'] = attrs;
  if (type === 'text') {
    out['text'] = record['text'] ?? '';
    const marks = canonicalMarks(record['marks']);
    if (marks.length > 0) out['marks'] = marks;
    return out;
  }
  if (Array.isArray(record['content'])) {
    let children = record['content'].map(canonicalNode).filter((child): child is JsonValue => child !== undefined);
    children = mergeTexts(children);
    if (type === 'doc' || type === 'blockquote' || type === 'listItem') {
      children = children.filter((child) => !isEmptyParagraph(child));
    }
    if (children.length > 0 || ['doc', 'bulletList', 'orderedList', 'blockquote', 'listItem'].includes(type)) out['content'] = children;
  }
  return out;
}

function canonicalAttrs(type: string, attrs: JsonValue | undefined): Record<string, JsonValue> | undefined {
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return undefined;
  const kept = Object.fromEntries(Object.entries(attrs).filter(([key, value]) => !ignoredAttrs.has(key) && value !== null));
  if (type === 'orderedList' && kept['order'] === 1) delete kept['order'];
  if (type === 'codeBlock' && kept['language'] === '') delete kept['language'];
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function canonicalMarks(marks: JsonValue | undefined): JsonValue[] {
  if (!Array.isArray(marks)) return [];
  const rank = (mark: JsonValue): number => {
    const type = typeof mark === 'object' && mark !== null && !Array.isArray(mark) ? mark['type'] : undefined;
    const index = (markOrder as readonly unknown[]).indexOf(type);
    return index === -1 ? markOrder.length : index;
  };
  return marks
    .map((mark) => {
      if (typeof mark !== 'object' || mark === null || Array.isArray(mark) || mark['type'] !== 'link') return mark;
      const attrs = mark['attrs'];
      const href = typeof attrs === 'object' && attrs !== null && !Array.isArray(attrs) ? attrs['href'] : undefined;
      return { type: 'link', attrs: { href: href ?? '' } };
    })
    .sort((a, b) => rank(a) - rank(b));
}

function mergeTexts(children: JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const child of children) {
    const last = out.at(-1);
    if (isText(child) && child['text'] === '') continue;
    if (isText(child) && last !== undefined && isText(last) && jsonEquals(last['marks'] ?? [], child['marks'] ?? [])) {
      out[out.length - 1] = { ...last, text: `${String(last['text'])}${String(child['text'])}` };
    } else {
      out.push(child);
    }
  }
  return out;
}

function isText(node: JsonValue): node is Record<string, JsonValue> {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && node['type'] === 'text';
}

function isEmptyParagraph(node: JsonValue): boolean {
  if (typeof node !== 'object' || node === null || Array.isArray(node) || node['type'] !== 'paragraph') return false;
  const content = node['content'];
  return !Array.isArray(content) || content.length === 0;
}
