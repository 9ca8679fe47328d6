import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExternalCallError } from '#domain/project/connector.ts';
import { priorities, ticketStatuses } from '#domain/ticket/fields.ts';
import { createServiceNowMapping } from '#adapters/servicenow/mapping.ts';
import { recordSchema } from '#adapters/servicenow/payloads.ts';
import { parseServiceNowConfig } from '#adapters/servicenow/settings.ts';
import { priorityOf } from '#simulators/servicenow/priority.ts';
import { docsIncident } from './samples.ts';

const config = parseServiceNowConfig({ instanceUrl: 'https://acme.service-now.com', userMap: { ann: 'ann.example' } });
const mapping = createServiceNowMapping(config);

describe('ServiceNow mapping', () => {
  it('reads the documented incident: stored values, references as {link, value}', () => {
    const record = recordSchema.parse(docsIncident);
    expect(mapping.fromServiceNow(record)).toEqual({
      fields: { title: "Can't access SFA software", description: '', status: 'open', priority: 'p3', assignee: null },
      problems: [],
    });
  });

  it('reads the assignee by its dot-walked user_name, through userMap or prefixed', () => {
    const sysId = '681ccaf9c0a8016400b98a06818d57c7';
    const assigned = (userName: string) => ({ sys_id: 'x', assigned_to: sysId, 'assigned_to.user_name': userName });
    const read = (userName: string) => mapping.fromServiceNow(recordSchema.parse(assigned(userName))).fields.assignee;
    expect(read('ann.example')).toBe('ann');
    expect(read('beth.anglin')).toBe('servicenow:beth.anglin');
  });

  it('lists what it cannot read as field problems instead of dropping it', () => {
    const odd = { sys_id: 'x', state: '-5', priority: '9', assigned_to: 'abc', short_description: 'Kept' };
    const { fields, problems } = mapping.fromServiceNow(recordSchema.parse(odd));
    expect(fields).toEqual({ title: 'Kept' });
    expect(problems.map((p) => p.field)).toEqual(['status', 'priority', 'assignee']);
    expect(problems[0]?.message).toMatch(/stateMap/);
  });

  it('resolving sets close_code and close_notes; reopening clears them', () => {
    expect(mapping.toServiceNow({ status: 'resolved' }, 't-1').fields).toEqual({
      state: '6',
      close_code: 'Solved (Permanently)',
      close_notes: 'Resolved in Lockstep (ticket t-1)',
    });
    const reopened = mapping.toServiceNow({ status: 'in_progress' }, 't-1').fields;
    expect(reopened).toEqual({ state: '2', close_code: '', close_notes: '' });
  });

  it('sends ACKNOWLEDGED as In Progress and says ServiceNow will report it back that way', () => {
    expect(mapping.toServiceNow({ status: 'acknowledged' }, 't').reported).toEqual({ status: 'in_progress' });
  });

  it('stateMap overrides both ways', () => {
    const config = parseServiceNowConfig({ instanceUrl: 'https://x.service-now.com', stateMap: { ACKNOWLEDGED: 101 } });
    const custom = createServiceNowMapping(config);
    expect(custom.toServiceNow({ status: 'acknowledged' }, 't').fields['state']).toBe('101');
    expect(custom.hubStatus('101')).toBe('acknowledged');
  });

  it('every hub priority comes back as itself through impact, urgency and the default priority matrix', () => {
    fc.assert(
      fc.property(fc.constantFrom(...priorities), (priority) => {
        const { fields } = mapping.toServiceNow({ priority }, 't');
        const computed = priorityOf(fields['impact'] ?? '', fields['urgency'] ?? '');
        const back = mapping.fromServiceNow(recordSchema.parse({ sys_id: 'x', priority: computed }));
        return back.fields.priority === priority;
      }),
    );
  });

  it('every hub status comes back as itself or as the status it reports', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ticketStatuses), (status) => {
        const out = mapping.toServiceNow({ status }, 't');
        const back = mapping.hubStatus(out.fields['state'] ?? '');
        return back === (out.reported.status ?? status);
      }),
    );
  });

  it('refuses what ServiceNow cannot hold, naming the value', () => {
    const refused = (changed: Record<string, unknown>) => {
      try {
        mapping.toServiceNow(changed as never, 't');
        return '';
      } catch (error) {
        const rejection = error instanceof ExternalCallError && error.kind === 'rejected';
        return rejection ? error.message : `not a rejection: ${String(error)}`;
      }
    };
    expect(refused({ assignee: 'zoe' })).toMatch(/"zoe".*userMap/);
    expect(refused({ title: 'x'.repeat(161) })).toMatch(/160/);
    expect(refused({ priority: 'p9' })).toMatch(/p9/);
  });
});
