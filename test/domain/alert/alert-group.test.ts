// The alert-group lifecycle: examples of the contract's rules, and properties over random
// notification schedules (repeats, reordering, flapping) that must hold whatever the order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertPolicy } from '#domain/alert/alert-policy.ts';
import type { AlertReport } from '#domain/alert/alert-report.ts';
import {
  compareReports,
  emptyAlertGroup,
  stepAlertGroup,
  type AlertGroupState,
  type AlertMark,
} from '#domain/alert/alert-group.ts';
import type { Priority, TicketStatus } from '#domain/ticket/fields.ts';

const windowMs = 10_000;
const policy: AlertPolicy = {
  severityMap: { critical: 'p1', warning: 'p3', info: 'p5' },
  fallbackPriority: 'p4',
  reopenWindowMs: windowMs,
  routes: [],
};

function report(
  fingerprint: string,
  status: AlertReport['status'],
  observedAtMs: number,
  severity: string | null = 'warning',
): AlertReport {
  return {
    fingerprint,
    groupKey: 'g',
    name: `Alert ${fingerprint}`,
    status,
    severity,
    summary: null,
    labels: { alertname: fingerprint },
    startsAtMs: observedAtMs,
    endsAtMs: status === 'resolved' ? observedAtMs : null,
    generatorUrl: null,
    observedAtMs,
  };
}

interface Ticket {
  status: TicketStatus;
  priority: Priority;
}

/** Folds `reports` like the engine: tickets opened in order, patches applied to the current one. */
function run(reports: readonly AlertReport[], person: (ticket: Ticket, index: number) => void = () => {}) {
  let group: AlertGroupState = emptyAlertGroup;
  const tickets: Ticket[] = [];
  reports.forEach((r, index) => {
    const current = tickets.at(-1);
    if (current && group.episode) {
      person(current, index);
      group = { ...group, episode: { ...group.episode, status: current.status, priority: current.priority } };
    }
    const step = stepAlertGroup(group, r, policy);
    if (step.kind === 'ignored') return;
    if (step.kind === 'opened') tickets.push({ status: step.ticket.status, priority: step.ticket.priority });
    if (step.kind === 'updated') Object.assign(tickets.at(-1) ?? {}, step.patch);
    group = step.next;
  });
  return { group, tickets };
}

describe('alert-group lifecycle', () => {
  it('opens one ticket on the first firing alert, with the severity as priority', () => {
    const { tickets } = run([report('a', 'firing', 1, 'critical'), report('b', 'firing', 2)]);
    expect(tickets).toEqual([{ status: 'open', priority: 'p1' }]);
  });

  it('resolves when every alert resolved, not before', () => {
    expect(run([report('a', 'firing', 1), report('b', 'firing', 2), report('a', 'resolved', 3)]).tickets).toEqual([
      { status: 'open', priority: 'p3' },
    ]);
    expect(
      run([report('a', 'firing', 1), report('b', 'firing', 2), report('a', 'resolved', 3), report('b', 'resolved', 4)])
        .tickets[0]?.status,
    ).toBe('resolved');
  });

  it('reopens within the window and opens a new ticket after it', () => {
    const within = run([report('a', 'firing', 1), report('a', 'resolved', 2), report('a', 'firing', 2 + windowMs)]);
    expect(within.tickets).toEqual([{ status: 'open', priority: 'p3' }]);
    const after = run([report('a', 'firing', 1), report('a', 'resolved', 2), report('a', 'firing', 3 + windowMs)]);
    expect(after.tickets).toEqual([
      { status: 'resolved', priority: 'p3' },
      { status: 'open', priority: 'p3' },
    ]);
  });

  it('keeps a resolution of an alert a firing group had not heard of as a resolved member', () => {
    const { tickets, group } = run([report('a', 'firing', 1), report('b', 'resolved', 2)]);
    expect(tickets).toEqual([{ status: 'open', priority: 'p3' }]);
    expect(group.episode?.members.map((m) => [m.fingerprint, m.status])).toEqual([
      ['a', 'firing'],
      ['b', 'resolved'],
    ]);
  });

  it('ignores a resolution before the group ever fired, and the older firing that arrives after it', () => {
    const { tickets, group } = run([report('a', 'resolved', 5), report('a', 'firing', 1)]);
    expect(tickets).toEqual([]);
    expect(group.earlier).toEqual([{ fingerprint: 'a', status: 'resolved', observedAtMs: 5 }]);
  });

  it('keeps a person’s acknowledgement while alerts fire, and resolves over it', () => {
    const ack = (ticket: Ticket, index: number) => {
      if (index === 1) ticket.status = 'acknowledged';
    };
    const firing = run(
      [
        report('a', 'firing', 1),
        report('b', 'firing', 2),
        report('a', 'firing', 3),
        report('c', 'firing', 4, 'critical'),
      ],
      ack,
    );
    expect(firing.tickets).toEqual([{ status: 'acknowledged', priority: 'p1' }]);
    const resolved = run(
      [report('a', 'firing', 1), report('b', 'firing', 2), report('a', 'resolved', 3), report('b', 'resolved', 4)],
      ack,
    );
    expect(resolved.tickets[0]?.status).toBe('resolved');
  });

  it('reopens a ticket a person closed when another alert starts firing', () => {
    const close = (ticket: Ticket, index: number) => {
      if (index === 1) ticket.status = 'closed';
    };
    expect(
      run([report('a', 'firing', 1), report('a', 'firing', 2), report('b', 'firing', 3)], close).tickets[0]?.status,
    ).toBe('open');
    expect(run([report('a', 'firing', 1), report('a', 'firing', 2)], close).tickets[0]?.status).toBe('closed');
  });
});

const fingerprints = ['a', 'b', 'c'];
const arbReport = fc
  .record({
    f: fc.constantFrom(...fingerprints),
    status: fc.constantFrom('firing' as const, 'resolved' as const),
    at: fc.integer({ min: 0, max: 40_000 }),
  })
  .map(({ f, status, at }) => report(f, status, at));
const arbSchedule = fc.array(arbReport, { minLength: 1, maxLength: 30 });

/** The newest state known of each alert, in the episode or outside it. */
function newestMarks(group: AlertGroupState): Map<string, AlertMark> {
  const marks = new Map<string, AlertMark>();
  for (const mark of [...group.earlier, ...(group.episode?.members ?? [])])
    marks.set(mark.fingerprint, {
      fingerprint: mark.fingerprint,
      status: mark.status,
      observedAtMs: mark.observedAtMs,
    });
  return marks;
}

describe('alert-group properties', () => {
  it('the group resolved-mark and the ticket status agree with the members after every step', () => {
    fc.assert(
      fc.property(arbSchedule, (reports) => {
        for (let n = 1; n <= reports.length; n += 1) {
          const { group, tickets } = run(reports.slice(0, n));
          const episode = group.episode;
          if (!episode) continue;
          const allResolved = episode.members.every((member) => member.status === 'resolved');
          expect(episode.resolvedAtMs !== null).toBe(allResolved);
          expect(tickets.at(-1)?.status).toBe(allResolved ? 'resolved' : 'open');
          expect(new Set(episode.members.map((m) => m.fingerprint)).size).toBe(episode.members.length);
        }
      }),
    );
  });

  it('an alert always ends at its newest notification, whatever the delivery order', () => {
    fc.assert(
      fc.property(arbSchedule, (reports) => {
        const marks = newestMarks(run(reports).group);
        for (const f of fingerprints) {
          const own = reports.filter((r) => r.fingerprint === f).sort(compareReports);
          const newest = own.at(-1);
          expect(marks.get(f)).toEqual(
            newest && { fingerprint: f, status: newest.status, observedAtMs: newest.observedAtMs },
          );
        }
      }),
    );
  });

  it('repeated notifications, at any later point, change nothing', () => {
    fc.assert(
      fc.property(arbSchedule, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 }), (reports, repeats) => {
        const withRepeats = [...reports];
        for (const [pick, at] of repeats) {
          const original = reports[pick % reports.length] as AlertReport;
          // Somewhere after the original (the first occurrence of that very object).
          const after = withRepeats.indexOf(original) + 1;
          withRepeats.splice(after + (at % (withRepeats.length - after + 1)), 0, original);
        }
        expect(run(withRepeats)).toEqual(run(reports));
      }),
      { numRuns: 500 },
    );
  });

  it('flapping inside the reopen window never makes a second ticket', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: windowMs }), { minLength: 1, maxLength: 20 }), (gaps) => {
        let at = 0;
        const reports = gaps.map((gap, index) => report('a', index % 2 === 0 ? 'firing' : 'resolved', (at += gap)));
        expect(run(reports).tickets).toHaveLength(1);
      }),
    );
  });

  it('a person’s ACKNOWLEDGED or IN_PROGRESS stays while alerts only fire', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TicketStatus>('acknowledged', 'in_progress'),
        fc.array(fc.record({ f: fc.constantFrom(...fingerprints), at: fc.integer({ min: 0, max: 40_000 }) }), {
          minLength: 1,
          maxLength: 20,
        }),
        (status, firings) => {
          const reports = [report('a', 'firing', 0), ...firings.map(({ f, at }) => report(f, 'firing', at))];
          const { tickets } = run(reports, (ticket, index) => {
            if (index === 1) ticket.status = status;
          });
          expect(tickets).toHaveLength(1);
          expect(tickets[0]?.status).toBe(status);
        },
      ),
    );
  });
});
