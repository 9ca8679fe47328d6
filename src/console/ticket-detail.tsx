// One ticket in full. The edit form sends `expectedVersion`: when the ticket changed since it was
// opened, the edit does not overwrite and the form says it waits in Conflicts. Editors can stop a
// link (`unlinkTicket`): nothing more goes to that item and its reports are ignored.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api.ts';
import { ApiError } from './api.ts';
import { showEnum, showTime, showValue } from './format.ts';
import type { Viewer } from './sign-in.tsx';
import { Problem } from './problem.tsx';

interface Ticket {
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly description: string;
  readonly status: string;
  readonly priority: string;
  readonly assignee: string | null;
  readonly labels: readonly string[];
  readonly kind: string;
  readonly privacy: string;
  readonly updatedAt: string;
  readonly mappings: ReadonlyArray<{
    readonly id: string;
    readonly externalId: string;
    readonly externalUrl: string | null;
    readonly linkedAt: string;
    readonly project: { readonly id: string; readonly name: string; readonly status: string };
    readonly errors: ReadonlyArray<{ readonly id: string; readonly message: string; readonly at: string }>;
  }>;
  readonly openConflicts: ReadonlyArray<{ readonly id: string; readonly field: string }>;
  readonly history: ReadonlyArray<{ readonly at: string; readonly field: string; readonly from: unknown; readonly to: unknown; readonly origin: string; readonly actor: string | null }>;
  readonly comments: { readonly edges: ReadonlyArray<{ readonly node: { readonly id: string; readonly author: string; readonly body: string; readonly origin: string; readonly createdAt: string } }> };
  readonly alerts: { readonly edges: ReadonlyArray<{ readonly node: { readonly id: string; readonly name: string; readonly status: string; readonly severity: string | null; readonly startsAt: string } }> };
}

const TICKET = `query($id: ID!) { ticket(id: $id) {
  id version title description status priority assignee labels kind privacy updatedAt
  mappings { id externalId externalUrl linkedAt project { id name status } errors { id message at } }
  openConflicts { id field }
  history(last: 30) { at field from to origin actor }
  comments(first: 50) { edges { node { id author body origin createdAt } } }
  alerts(first: 50) { edges { node { id name status severity startsAt } } }
} }`;
const UPDATE = 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id version } conflicts { id field } } }';
const UNLINK = 'mutation($input: UnlinkTicketInput!) { unlinkTicket(input: $input) { ticket { id } } }';
const STATUSES = ['OPEN', 'ACKNOWLEDGED', 'IN_PROGRESS', 'BLOCKED', 'RESOLVED', 'CLOSED'];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];

interface Draft {
  readonly title: string;
  readonly status: string;
  readonly priority: string;
  readonly description: string;
}

export function TicketDetail({ api, viewer, id }: { api: Api; viewer: Viewer; id: string }) {
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const canEdit = viewer.role !== 'VIEWER';

  useEffect(() => {
    api
      .run<{ ticket: Ticket | null }>(TICKET, { id })
      .then((data) => {
        if (!data.ticket) return setProblem('No ticket has this id.');
        setTicket(data.ticket);
        setDraft({ title: data.ticket.title, status: data.ticket.status, priority: data.ticket.priority, description: data.ticket.description });
      })
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
  }, [api, id, version]);

  if (!ticket || !draft) return <p>{problem ?? 'Loading…'}</p>;

  const save = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    setNotice(null);
    const changed = Object.fromEntries(Object.entries(draft).filter(([key, value]) => ticket[key as keyof Draft] !== value));
    if (Object.keys(changed).length === 0) return setNotice('Nothing changed.');
    try {
      const data = await api.run<{ updateTicket: { conflicts: ReadonlyArray<{ id: string; field: string }> } }>(UPDATE, {
        input: { id: ticket.id, expectedVersion: ticket.version, ...changed },
      });
      const contested = data.updateTicket.conflicts.map((conflict) => conflict.field);
      if (contested.length > 0) {
        setProblem(
          `The ticket changed since you opened it: your ${contested.join(', ')} did not overwrite the newer value and waits in Conflicts for a reviewer.`,
        );
      } else setNotice('Saved.');
      setVersion((n) => n + 1);
    } catch (error) {
      setProblem(`Not saved: ${error instanceof ApiError ? error.message : String(error)}`);
    }
  };

  return (
    <article aria-labelledby="ticket-title">
      <p>
        <a href="#/tickets">← All tickets</a>
      </p>
      <h1 id="ticket-title">{ticket.title}</h1>
      <p class="meta">
        {showEnum(ticket.kind)} · {showEnum(ticket.privacy)} · updated {showTime(ticket.updatedAt)}
        {ticket.assignee ? ` · assigned to ${ticket.assignee}` : ''}
        {ticket.labels.length > 0 ? ` · labels ${ticket.labels.join(', ')}` : ''}
      </p>
      {ticket.openConflicts.length > 0 && (
        <p class="problem">
          Open conflicts on {ticket.openConflicts.map((conflict) => conflict.field).join(', ')}: <a href="#/conflicts">resolve them</a>.
        </p>
      )}
      <form class="edit" onSubmit={save} aria-label="Edit ticket">
        <div class="field">
          <label for="edit-title">Title</label>
          <input id="edit-title" disabled={!canEdit} value={draft.title} onInput={(event) => setDraft({ ...draft, title: event.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="edit-status">Status</label>
          <select id="edit-status" disabled={!canEdit} value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.currentTarget.value })}>
            {STATUSES.map((option) => (
              <option key={option} value={option}>
                {showEnum(option)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="edit-priority">Priority</label>
          <select id="edit-priority" disabled={!canEdit} value={draft.priority} onChange={(event) => setDraft({ ...draft, priority: event.currentTarget.value })}>
            {PRIORITIES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="edit-description">Description</label>
          <textarea id="edit-description" rows={5} disabled={!canEdit} value={draft.description} onInput={(event) => setDraft({ ...draft, description: event.currentTarget.value })} />
        </div>
        {canEdit && <button type="submit">Save</button>}
        {notice && <p role="status">{notice}</p>}
        <Problem text={problem} />
      </form>
      <h2>Links</h2>
      {ticket.mappings.length === 0 ? (
        <p class="empty">Not linked to any project.</p>
      ) : (
        <ul>
          {ticket.mappings.map((mapping) => (
            <li key={mapping.id}>
              <strong>{mapping.project.name}</strong> ({showEnum(mapping.project.status)}):{' '}
              {mapping.externalUrl ? (
                <a href={mapping.externalUrl} rel="noreferrer">
                  {mapping.externalId}
                </a>
              ) : (
                mapping.externalId
              )}{' '}
              · linked {showTime(mapping.linkedAt)}{' '}
              {canEdit && (
                <button
                  type="button"
                  class="quiet"
                  onClick={() =>
                    void api
                      .run(UNLINK, { input: { ticketId: ticket.id, projectId: mapping.project.id } })
                      .then(() => {
                        setNotice(`Unlinked from ${mapping.project.name}: nothing more is sent to ${mapping.externalId}, and its changes are ignored.`);
                        setVersion((n) => n + 1);
                      })
                      .catch((error: unknown) => setProblem(`Not unlinked: ${error instanceof Error ? error.message : String(error)}`))
                  }
                >
                  Unlink from {mapping.project.name}
                </button>
              )}
              {mapping.errors.length > 0 && (
                <ul class="problem">
                  {mapping.errors.slice(0, 5).map((error) => (
                    <li key={error.id}>
                      {error.message} ({showTime(error.at)})
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      {ticket.alerts.edges.length > 0 && (
        <>
          <h2>Alerts</h2>
          <ul>
            {ticket.alerts.edges.map(({ node }) => (
              <li key={node.id}>
                {node.name}: {showEnum(node.status)}
                {node.severity ? ` (${node.severity})` : ''} since {showTime(node.startsAt)}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Comments</h2>
      {ticket.comments.edges.length === 0 ? (
        <p class="empty">No comments.</p>
      ) : (
        <ul class="comments">
          {ticket.comments.edges.map(({ node }) => (
            <li key={node.id}>
              <p class="meta">
                {node.author} via {node.origin} · {showTime(node.createdAt)}
              </p>
              <p>{node.body}</p>
            </li>
          ))}
        </ul>
      )}
      <h2>History</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Field</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {ticket.history.map((entry, index) => (
            <tr key={index}>
              <td>{showTime(entry.at)}</td>
              <td>{entry.field}</td>
              <td>{showValue(entry.from)}</td>
              <td>{showValue(entry.to)}</td>
              <td>
                {entry.actor ?? ''} ({entry.origin})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
