// Keyset pagination shared by every list: newest first by (timestamp, id), `after` moving towards
// older rows and `before` towards newer ones, stable while rows are added. The GraphQL layer turns
// cursors into these positions.

/** A position in a newest-first list. */
export interface KeysetPosition {
  readonly at: Date;
  readonly id: string;
}

/** A page request. */
export interface KeysetPage {
  readonly after?: KeysetPosition;
  readonly before?: KeysetPosition;
  readonly limit: number;
  /** True when paginating backwards (`last`). */
  readonly inverted?: boolean;
}

/** The filter conditions and ordering of `page` over the timestamp property `field`. */
export function keyset<F extends string>(field: F, page: KeysetPage) {
  const where: Array<Record<string, unknown>> = [];
  if (page.after) {
    const { at, id } = page.after;
    where.push({ $or: [{ [field]: { $lt: at } }, { [field]: at, id: { $lt: id } }] });
  }
  if (page.before) {
    const { at, id } = page.before;
    where.push({ $or: [{ [field]: { $gt: at } }, { [field]: at, id: { $gt: id } }] });
  }
  const direction = page.inverted ? ('asc' as const) : ('desc' as const);
  const orderBy = [{ [field]: direction }, { id: direction }] as Array<Record<F | 'id', 'asc' | 'desc'>>;
  return { where, orderBy, limit: page.limit };
}
