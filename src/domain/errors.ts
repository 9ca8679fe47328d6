// Typed domain errors. The domain throws them; the GraphQL and HTTP boundaries map them to user
// messages by class, so each rule that can refuse an input has its own subclass.

/** Base class of every error the domain throws on purpose. */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
}

/** An input value breaks a ticket field rule; the message names the field. */
export class InvalidTicketInput extends DomainError {
  override readonly name = 'InvalidTicketInput';
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** An `expectedVersion` token could not be decoded or does not belong to this ticket. */
export class InvalidVersionToken extends DomainError {
  override readonly name = 'InvalidVersionToken';
  constructor(problem: string) {
    super(`expectedVersion: ${problem}`);
  }
}

/** A second resolution of a conflict that was already resolved. */
export class ConflictAlreadyResolved extends DomainError {
  override readonly name = 'ConflictAlreadyResolved';
  readonly conflictId: string;
  constructor(conflictId: string, resolvedBy: string, resolvedAt: string) {
    super(`conflict ${conflictId} was already resolved by ${resolvedBy} at ${resolvedAt}`);
    this.conflictId = conflictId;
  }
}

/** A conflict handed to a ticket that does not hold it open (other ticket, or stale conflict). */
export class ConflictMismatch extends DomainError {
  override readonly name = 'ConflictMismatch';
  constructor(conflictId: string, ticketId: string) {
    super(`conflict ${conflictId} is not open on ticket ${ticketId}`);
  }
}

/** A direct edit of a field that an open manual conflict holds; resolve the conflict first. */
export class FieldHeldByConflict extends DomainError {
  override readonly name = 'FieldHeldByConflict';
  readonly field: string;
  readonly conflictId: string;
  constructor(field: string, conflictId: string) {
    super(`${field}: held by open conflict ${conflictId}; resolve the conflict first`);
    this.field = field;
    this.conflictId = conflictId;
  }
}

/** A comment input breaks a rule (empty, too long); the message names the field. */
export class InvalidCommentInput extends DomainError {
  override readonly name = 'InvalidCommentInput';
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
  }
}
