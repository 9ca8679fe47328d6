// One way to serve a newest-first keyset list as a Relay connection: page size bounds (1-100,
// above that a BAD_USER_INPUT error), opaque (timestamp, id) cursors, forwards and backwards.
import { resolveCursorConnection, type DefaultConnectionArguments } from '@pothos/plugin-relay';
import { BadInputError } from '#infra/services/errors.ts';
import type { KeysetPage } from '#infra/services/keyset.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

/** Largest page a connection serves. */
export const maxPageSize = 100;

/** The complexity of a connection field: its page size times what each node costs. */
export const connectionComplexity = (defaultSize: number) => (args: DefaultConnectionArguments) => ({
  field: 1,
  multiplier: Math.min(args.first ?? args.last ?? defaultSize, maxPageSize),
});

/** Resolves a connection over `load`, whose rows are ordered by `positionOf` (newest first). */
export function keysetConnection<T extends object>(
  args: DefaultConnectionArguments,
  defaultSize: number,
  positionOf: (node: T) => { at: Date; id: string },
  load: (page: KeysetPage) => Promise<T[]>,
) {
  if ((args.first ?? 0) > maxPageSize || (args.last ?? 0) > maxPageSize) throw new BadInputError(`first/last: at most ${maxPageSize}`);
  if ((args.first ?? 1) < 0 || (args.last ?? 1) < 0) throw new BadInputError('first/last: at least 0');
  return resolveCursorConnection<Promise<T[]>>(
    {
      args,
      toCursor: (node: T) => {
        const { at, id } = positionOf(node);
        return encodeCursor(at, id);
      },
      defaultSize,
      maxSize: maxPageSize,
    },
    ({ before, after, limit, inverted }) =>
      load({
        ...(after ? { after: decodeCursor(after) } : {}),
        ...(before ? { before: decodeCursor(before) } : {}),
        limit,
        inverted,
      }),
  );
}
