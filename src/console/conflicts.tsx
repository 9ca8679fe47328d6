// Conflicts: the open conflicts, newest first, kept live. New ones arrive through the
// `conflictDetected` subscription; ones resolved elsewhere leave on the next refresh (every few
// seconds). Each candidate sits beside the others with its origin and time, text fields with a
// word diff; a reviewer keeps one or writes a value. A refused resolution shows Lockstep's reason.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api.ts';
import { showTime, showValue } from './format.ts';
import type { Viewer } from './sign-in.tsx';
import { TextDiff } from './text-diff.tsx';
import { Problem } from './problem.tsx';

interface Candidate {
  readonly origin: string;
  readonly actor: string | null;
  readonly at: string;
  readonly value: unknown;
  readonly version: string;
}

export interface ConflictView {
  readonly id: string;
  readonly field: string;
  readonly status: 'OPEN' | 'RESOLVED';
  readonly strategy: string;
  readonly detectedAt: string;
  readonly ticket: { readonly id: string; readonly title: string };
  readonly candidates: readonly Candidate[];
}

const FIELDS = 'id field status strategy detectedAt ticket { id title } candidates { origin actor at value version }';
// The newest open conflicts (pages run oldest first, so the last ones), within the API's cost limit.
const OPEN = `query { conflicts(last: 25, filter: { status: OPEN }) { edges { node { ${FIELDS} } } } }`;
const DETECTED = `subscription { conflictDetected { ${FIELDS} } }`;
const RESOLVE = 'mutation($input: ResolveConflictInput!) { resolveConflict(input: $input) { conflict { id status } } }';
const REFRESH_MS = 5000;

const newestFirst = (a: ConflictView, b: ConflictView) => Date.parse(b.detectedAt) - Date.parse(a.detectedAt);
const canResolve = (viewer: Viewer) => viewer.role === 'REVIEWER' || viewer.role === 'ADMIN';

export function ConflictsView({ api, viewer }: { api: Api; viewer: Viewer }) {
  const [conflicts, setConflicts] = useState<ConflictView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      api
        .run<{ conflicts: { edges: Array<{ node: ConflictView }> } }>(OPEN)
        .then((data) => live && setConflicts(data.conflicts.edges.map((edge) => edge.node).sort(newestFirst)))
        .catch((error: unknown) => live && setProblem(error instanceof Error ? error.message : String(error)));
    void load();
    const timer = setInterval(load, REFRESH_MS);
    const stop = api.subscribe<{ conflictDetected: ConflictView }>(DETECTED, {}, ({ conflictDetected: conflict }) => {
      if (conflict.status !== 'OPEN') return;
      setConflicts((current) => [conflict, ...(current ?? []).filter((known) => known.id !== conflict.id)].sort(newestFirst));
    });
    return () => {
      live = false;
      clearInterval(timer);
      stop();
    };
  }, [api]);

  const resolved = (id: string) => setConflicts((current) => (current ?? []).filter((conflict) => conflict.id !== id));

  return (
    <section aria-labelledby="conflicts-title">
      <h1 id="conflicts-title">Conflicts</h1>
      <Problem text={problem} />
      {conflicts === null ? (
        <p>Loading…</p>
      ) : conflicts.length === 0 ? (
        <p class="empty">No open conflicts. New ones appear here as they are detected.</p>
      ) : (
        <ul class="cards" aria-label="Open conflicts">
          {conflicts.map((conflict) => (
            <ConflictCard key={conflict.id} api={api} conflict={conflict} allowed={canResolve(viewer)} onResolved={() => resolved(conflict.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ConflictCard({ api, conflict, allowed, onResolved }: { api: Api; conflict: ConflictView; allowed: boolean; onResolved: () => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const [written, setWritten] = useState('');
  const [busy, setBusy] = useState(false);
  const textual = conflict.candidates.every((candidate) => typeof candidate.value === 'string' || candidate.value === null);

  const resolve = async (value: unknown) => {
    setBusy(true);
    setProblem(null);
    try {
      await api.run(RESOLVE, { input: { conflictId: conflict.id, value } });
      onResolved();
    } catch (error) {
      setProblem(`Not resolved: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const writtenValue = (): unknown => {
    if (textual) return written;
    try {
      return JSON.parse(written) as unknown;
    } catch {
      return written;
    }
  };

  return (
    <li class="card" aria-label={`Conflict on ${conflict.field} of ${conflict.ticket.title}`}>
      <h2>
        <a href={`#/tickets/${conflict.ticket.id}`}>{conflict.ticket.title}</a>: <code>{conflict.field}</code>
      </h2>
      <p class="meta">
        Detected {showTime(conflict.detectedAt)} · strategy {conflict.strategy.toLowerCase()}
      </p>
      <div class="candidates">
        {conflict.candidates.map((candidate, index) => {
          const other = conflict.candidates[index === 0 ? 1 : 0];
          return (
            <div class="candidate" key={`${candidate.origin}-${candidate.version}`}>
              <p class="meta">
                From <strong>{candidate.origin}</strong>
                {candidate.actor ? ` by ${candidate.actor}` : ''} · {showTime(candidate.at)}
              </p>
              {textual && other && typeof candidate.value === 'string' && typeof other.value === 'string' && index > 0 ? (
                <TextDiff from={other.value} to={candidate.value} />
              ) : (
                <p class="value">{showValue(candidate.value)}</p>
              )}
              {allowed && (
                <button type="button" disabled={busy} onClick={() => void resolve(candidate.value)}>
                  Keep “{showValue(candidate.value)}”
                </button>
              )}
            </div>
          );
        })}
      </div>
      {allowed && (
        <form
          class="write"
          onSubmit={(event) => {
            event.preventDefault();
            void resolve(writtenValue());
          }}
        >
          <label for={`write-${conflict.id}`}>Or write the value{textual ? '' : ' (JSON)'}</label>
          <textarea id={`write-${conflict.id}`} rows={2} value={written} onInput={(event) => setWritten(event.currentTarget.value)} />
          <button type="submit" disabled={busy || written === ''}>
            Resolve with this value
          </button>
        </form>
      )}
      <Problem text={problem} />
    </li>
  );
}
