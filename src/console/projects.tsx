// Projects: every connected project with its status, direction, mode, last sync, recent sync
// errors, dead push jobs, traffic and sync rules. Admins pause, resume, edit the rules, start a
// sync (a BACKFILL applies the rules to existing tickets) or a dry run; a running session's
// progress streams in through `syncStatus`, and a dry run's plan is shown as a table before
// anything is applied.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api.ts';
import { showEnum, showTime } from './format.ts';
import { ActivityChart, type ActivityBucket } from './activity-chart.tsx';
import { LinkRules, type LinkRule, type ProjectChoice } from './link-rules.tsx';
import { SessionPanel, type SessionView } from './session-panel.tsx';
import type { Viewer } from './sign-in.tsx';
import { Problem } from './problem.tsx';

interface ProjectView {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly direction: string;
  readonly syncMode: string;
  readonly lastSyncedAt: string | null;
  readonly lastError: string | null;
  readonly rateLimitedUntil: string | null;
  readonly linkRules: readonly LinkRule[];
}

interface Health {
  readonly errors: number;
  readonly dead: number;
  readonly activity: readonly ActivityBucket[];
}

const PROJECTS =
  '{ externalProjects(first: 100) { edges { node { id name kind status direction syncMode lastSyncedAt lastError rateLimitedUntil linkRules { kinds labels minPriority statuses originProjectIds } } } } }';
const HEALTH = `query($p: ID!) {
  externalProject(id: $p) { activity(minutes: 60) { minute inbound outbound } }
  syncErrors(projectId: $p, first: 100) { edges { node { id } } }
  pushJobs(filter: { projectId: $p, status: DEAD }, first: 100) { edges { node { id } } }
}`;
const SESSION_FIELDS = 'id kind status dryRun processed created updated unchanged conflicts errors errorMessages startedAt completedAt plan { action direction field externalId ticketId }';
const START = `mutation($input: StartSyncInput!) { startSync(input: $input) { session { ${SESSION_FIELDS} } } }`;
const STATUS = `subscription($p: ID!) { syncStatus(projectId: $p) { ${SESSION_FIELDS} } }`;
const SESSION = `query($id: ID!) { syncSession(id: $id) { ${SESSION_FIELDS} } }`;
const PAUSE = 'mutation($id: ID!) { pauseExternalProject(id: $id) { project { id status } } }';
const RESUME = 'mutation($id: ID!) { resumeExternalProject(id: $id) { project { id status } } }';

export function ProjectsView({ api, viewer }: { api: Api; viewer: Viewer }) {
  const [projects, setProjects] = useState<ProjectView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    api
      .run<{ externalProjects: { edges: Array<{ node: ProjectView }> } }>(PROJECTS)
      .then((data) => live && setProjects(data.externalProjects.edges.map((edge) => edge.node)))
      .catch((error: unknown) => live && setProblem(error instanceof Error ? error.message : String(error)));
    return () => {
      live = false;
    };
  }, [api, version]);

  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      <Problem text={problem} />
      {projects === null ? (
        <p>Loading…</p>
      ) : projects.length === 0 ? (
        <p class="empty">
          No project is connected yet. <a href="#/catalog">Connect one from the catalog.</a>
        </p>
      ) : (
        <ul class="cards" aria-label="Connected projects">
          {projects.map((project) => (
            <ProjectCard
              key={project.id}
              api={api}
              project={project}
              projects={projects}
              admin={viewer.role === 'ADMIN'}
              onChanged={() => setVersion((n) => n + 1)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ProjectCard({ api, project, projects, admin, onChanged }: { api: Api; project: ProjectView; projects: readonly ProjectChoice[]; admin: boolean; onChanged: () => void }) {
  const [health, setHealth] = useState<Health | null>(null);
  const [session, setSession] = useState<SessionView | null>(null);
  const [kind, setKind] = useState('INCREMENTAL');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .run<{ externalProject: { activity: ActivityBucket[] } | null; syncErrors: { edges: unknown[] }; pushJobs: { edges: unknown[] } }>(HEALTH, { p: project.id })
      .then((data) => setHealth({ errors: data.syncErrors.edges.length, dead: data.pushJobs.edges.length, activity: data.externalProject?.activity ?? [] }))
      .catch(() => setHealth(null));
    return api.subscribe<{ syncStatus: SessionView }>(STATUS, { p: project.id }, ({ syncStatus }) =>
      setSession((current) => (current === null || current.id === syncStatus.id || syncStatus.status === 'RUNNING' ? syncStatus : current)),
    );
  }, [api, project.id]);

  // A finished session's plan is read once it completes (the stream carries progress, not always the plan).
  useEffect(() => {
    if (!session || session.status === 'RUNNING' || session.planLoaded) return;
    void api.run<{ syncSession: SessionView }>(SESSION, { id: session.id }).then((data) => setSession({ ...data.syncSession, planLoaded: true }));
  }, [api, session?.id, session?.status]);

  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await run();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  const start = (dryRun: boolean) =>
    act(async () => {
      const data = await api.run<{ startSync: { session: SessionView } }>(START, { input: { projectId: project.id, kind, dryRun } });
      setSession(data.startSync.session);
    });
  const paused = project.status === 'PAUSED';

  return (
    <li class="card" aria-label={project.name}>
      <h2>{project.name}</h2>
      <dl class="facts">
        <dt>Kind</dt>
        <dd>{showEnum(project.kind)}</dd>
        <dt>Status</dt>
        <dd class={`status status-${project.status.toLowerCase()}`}>{showEnum(project.status)}</dd>
        <dt>Direction</dt>
        <dd>{showEnum(project.direction)}</dd>
        <dt>Mode</dt>
        <dd>{showEnum(project.syncMode)}</dd>
        <dt>Last sync</dt>
        <dd>{showTime(project.lastSyncedAt)}</dd>
        <dt>Sync errors</dt>
        <dd>{health ? health.errors : '…'}</dd>
        <dt>Dead push jobs</dt>
        <dd>{health ? health.dead : '…'}</dd>
        {project.rateLimitedUntil && Date.parse(project.rateLimitedUntil) > Date.now() && (
          <>
            <dt>Rate limited until</dt>
            <dd>{new Date(project.rateLimitedUntil).toLocaleTimeString()}</dd>
          </>
        )}
      </dl>
      {health && <ActivityChart buckets={health.activity} />}
      {project.lastError && <p class="problem">Last error: {project.lastError}</p>}
      <LinkRules api={api} projectId={project.id} projectName={project.name} rules={project.linkRules} projects={projects} admin={admin} onSaved={onChanged} />
      {admin && (
        <div class="actions">
          {paused ? (
            <button type="button" disabled={busy} onClick={() => void act(async () => (await api.run(RESUME, { id: project.id }), onChanged()))}>
              Resume
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => void act(async () => (await api.run(PAUSE, { id: project.id }), onChanged()))}>
              Pause
            </button>
          )}
          <label>
            Session kind{' '}
            <select value={kind} onChange={(event) => setKind(event.currentTarget.value)}>
              {['INCREMENTAL', 'INITIAL', 'RECONCILE', 'BACKFILL'].map((option) => (
                <option key={option} value={option}>
                  {showEnum(option)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" disabled={busy} onClick={() => void start(false)}>
            Start sync
          </button>
          <button type="button" disabled={busy} onClick={() => void start(true)}>
            Dry run
          </button>
        </div>
      )}
      <Problem text={problem} />
      {session && <SessionPanel session={session} />}
    </li>
  );
}
