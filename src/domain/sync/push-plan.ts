// The push planner: which fields of a ticket must go to which side, and with what precondition.
// A field is pushed when the side's base has not seen the hub's current write and holds another
// value, the project's direction and the ticket's privacy let it leave, no open manual conflict
// holds it, and no push of it is already in flight. Pushes carry the side's last known ordering
// key: adapters send it as a precondition (or check it by reading first), so a push never
// overwrites a side change the hub has not seen yet.

import { jsonEquals, type JsonValue } from '../json.ts';
import { isCoveredBy } from '../merge/register.ts';
import type { VersionVector } from '../merge/version-vector.ts';
import type { FieldKey } from '../ticket/fields.ts';
import type { Ticket } from '../ticket/ticket.ts';
import type { SyncMapping } from './mapping.ts';
import { allowsPush, mayLeave, type OrderingKey, type ProjectPolicy } from './policy.ts';

/** One field to send to the side. */
export interface PlannedPush {
  readonly field: FieldKey;
  readonly value: JsonValue;
  /** The ticket version the value belongs to; becomes the side's base once acknowledged. */
  readonly version: VersionVector;
  /** The side's ordering key the hub last saw for the field; null when unknown. */
  readonly ifOrderingKey: OrderingKey | null;
}

/** Why a mapped field is not pushed (or `push`). */
export type PushVerdict = 'push' | 'direction' | 'privacy' | 'held' | 'in_flight' | 'up_to_date';

/** The verdict for one field of one mapping. */
export function pushVerdict(ticket: Ticket, mapping: SyncMapping, policy: ProjectPolicy, field: FieldKey): PushVerdict {
  if (!allowsPush(policy.direction)) return 'direction';
  if (!mayLeave(ticket.privacy, policy)) return 'privacy';
  return fieldVerdict(ticket, mapping, field);
}

/** The verdict for a field of a ticket that may go to the project at all. */
function fieldVerdict(ticket: Ticket, mapping: SyncMapping, field: FieldKey): PushVerdict {
  if (ticket.isHeld(field)) return 'held';
  const side = mapping.side(field);
  if (side.pending !== null) return 'in_flight';
  const register = ticket.registers[field];
  if (register === undefined || isCoveredBy(register, side.base.version)) return 'up_to_date';
  if (jsonEquals(ticket.fieldValue(field), side.base.value)) return 'up_to_date';
  return 'push';
}

/** Every field of `ticket` that must be pushed through `mapping` now. */
export function planPushes(ticket: Ticket, mapping: SyncMapping, policy: ProjectPolicy): PlannedPush[] {
  const plan: PlannedPush[] = [];
  if (!allowsPush(policy.direction) || !mayLeave(ticket.privacy, policy)) return plan;
  for (const field of policy.mappedFields) {
    if (fieldVerdict(ticket, mapping, field) !== 'push') continue;
    const value = ticket.fieldValue(field);
    plan.push({ field, value, version: ticket.clock.vector, ifOrderingKey: mapping.side(field).orderingKey });
  }
  return plan;
}

/** Plans the pushes and records them as in flight on the mapping. */
export function startPushes(ticket: Ticket, mapping: SyncMapping, policy: ProjectPolicy): PlannedPush[] {
  const plan = planPushes(ticket, mapping, policy);
  for (const push of plan) mapping.recordPushSent(push.field, push.value, push.version);
  return plan;
}
