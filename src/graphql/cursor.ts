// Opaque keyset cursors: base64url of [ISO timestamp, id]. A cursor that does not decode is bad
// input, never a silent first page.
import { BadInputError } from '#infra/services/errors.ts';

/** Encodes a position in a (timestamp desc, id desc) order. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; throws BadInputError otherwise. */
export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      const at = new Date(parsed[0]);
      if (!Number.isNaN(at.getTime())) return { at, id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new BadInputError(`Invalid cursor "${cursor}": pass a cursor from a previous page`);
}
