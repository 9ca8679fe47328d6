// A project's sync rules in the console: which tickets Lockstep links to the project by itself.
// Each rule shows in words; admins add, change and remove rules and save them all at once
// (`updateExternalProject(linkRules)`), and Lockstep's refusal (an unknown origin project, an
// empty rule) is shown as it gives it. A BACKFILL dry run, from the session controls, lists the
// existing tickets the saved rules would link.
import { useState } from 'preact/hooks';
import type { Api } from './api.ts';
import { showEnum } from './format.ts';
import { Problem } from './problem.tsx';

export interface LinkRule {
  readonly kinds?: readonly string[] | null;
  readonly labels?: readonly string[] | null;
  readonly minPriority?: string | null;
  readonly statuses?: readonly string[] | null;
  readonly originProjectIds?: readonly string[] | null;
}

export interface ProjectChoice {
  readonly id: string;
  readonly name: string;
}

const KINDS = ['TICKET', 'INCIDENT', 'ALERT_GROUP'];
const STATUSES = ['OPEN', 'ACKNOWLEDGED', 'IN_PROGRESS', 'BLOCKED', 'RESOLVED', 'CLOSED'];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];
const SAVE = 'mutation($input: UpdateExternalProjectInput!) { updateExternalProject(input: $input) { project { id linkRules { kinds labels minPriority statuses originProjectIds } } } }';

/** A rule in words, e.g. "incidents labelled payments or checkout, P2 or more urgent". */
export function describeRule(rule: LinkRule, projects: readonly ProjectChoice[]): string {
  if (Object.keys(inputOf(rule)).length === 0) return 'every ticket (the rule sets no criterion)';
  const parts: string[] = [];
  if (rule.kinds?.length) parts.push(rule.kinds.map((kind) => showEnum(kind).toLowerCase()).join(' or '));
  else parts.push('tickets');
  if (rule.labels?.length) parts.push(`labelled ${rule.labels.join(' or ')}`);
  if (rule.statuses?.length) parts.push(`${rule.statuses.map((status) => showEnum(status).toLowerCase()).join(' or ')}`);
  if (rule.minPriority) parts.push(`${rule.minPriority} or more urgent`);
  if (rule.originProjectIds?.length) {
    const names = rule.originProjectIds.map((id) => projects.find((project) => project.id === id)?.name ?? id);
    parts.push(`from ${names.join(' or ')}`);
  }
  return parts.join(', ');
}

/** Only the criteria a rule sets, as the API takes them. */
function inputOf(rule: LinkRule): LinkRule {
  return Object.fromEntries(Object.entries(rule).filter(([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)));
}

function toggle(list: readonly string[] | null | undefined, value: string): string[] {
  const current = list ?? [];
  return current.includes(value) ? current.filter((entry) => entry !== value) : [...current, value];
}

export function LinkRules({ api, projectId, projectName, rules, projects, admin, onSaved }: {
  api: Api;
  projectId: string;
  projectName: string;
  rules: readonly LinkRule[];
  projects: readonly ProjectChoice[];
  admin: boolean;
  onSaved: (rules: readonly LinkRule[]) => void;
}) {
  const [editing, setEditing] = useState<LinkRule[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    if (!editing) return;
    setBusy(true);
    setProblem(null);
    try {
      const data = await api.run<{ updateExternalProject: { project: { linkRules: LinkRule[] } } }>(SAVE, { input: { id: projectId, linkRules: editing.map(inputOf) } });
      onSaved(data.updateExternalProject.project.linkRules);
      setEditing(null);
    } catch (error) {
      setProblem(`Rules not saved: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };

  const region = `Sync rules of ${projectName}`;
  if (!editing) {
    return (
      <section class="rules" aria-label={region}>
        <h3>Sync rules</h3>
        {rules.length === 0 ? (
          <p class="empty">No rules: tickets reach this project only when someone links them.</p>
        ) : (
          <ul>
            {rules.map((rule, index) => (
              <li key={index}>Links {describeRule(rule, projects)}</li>
            ))}
          </ul>
        )}
        {admin && (
          <button type="button" class="quiet" onClick={() => setEditing(rules.map((rule) => ({ ...rule })))}>
            Edit rules
          </button>
        )}
      </section>
    );
  }

  const update = (index: number, change: Partial<LinkRule>) => setEditing(editing.map((rule, at) => (at === index ? { ...rule, ...change } : rule)));
  return (
    <section class="rules" aria-label={region}>
      <h3>Sync rules</h3>
      <p class="hint">A ticket matching any rule is linked here once. A rule matches when every criterion it sets matches; leave a criterion empty to ignore it.</p>
      {editing.map((rule, index) => (
        <fieldset key={index} aria-label={`Rule ${index + 1}`}>
          <legend>Rule {index + 1}</legend>
          <div role="group" aria-label={`Rule ${index + 1} kinds`}>
            Kinds:{' '}
            {KINDS.map((kind) => (
              <label key={kind} class="inline">
                <input type="checkbox" checked={rule.kinds?.includes(kind) ?? false} onChange={() => update(index, { kinds: toggle(rule.kinds, kind) })} /> {showEnum(kind)}
              </label>
            ))}
          </div>
          <div class="field">
            <label for={`rule-${index}-labels`}>Labels (any of, comma-separated)</label>
            <input
              id={`rule-${index}-labels`}
              value={(rule.labels ?? []).join(', ')}
              onInput={(event) => update(index, { labels: event.currentTarget.value.split(',').map((label) => label.trim()).filter(Boolean) })}
            />
          </div>
          <div class="field">
            <label for={`rule-${index}-priority`}>Minimum priority</label>
            <select id={`rule-${index}-priority`} value={rule.minPriority ?? ''} onChange={(event) => update(index, { minPriority: event.currentTarget.value || null })}>
              <option value="">Any</option>
              {PRIORITIES.map((priority) => (
                <option key={priority} value={priority}>
                  {priority} or more urgent
                </option>
              ))}
            </select>
          </div>
          <div role="group" aria-label={`Rule ${index + 1} statuses`}>
            Statuses:{' '}
            {STATUSES.map((status) => (
              <label key={status} class="inline">
                <input type="checkbox" checked={rule.statuses?.includes(status) ?? false} onChange={() => update(index, { statuses: toggle(rule.statuses, status) })} />{' '}
                {showEnum(status)}
              </label>
            ))}
          </div>
          <div role="group" aria-label={`Rule ${index + 1} origins`}>
            From projects:{' '}
            {projects
              .filter((project) => project.id !== projectId)
              .map((project) => (
                <label key={project.id} class="inline">
                  <input
                    type="checkbox"
                    checked={rule.originProjectIds?.includes(project.id) ?? false}
                    onChange={() => update(index, { originProjectIds: toggle(rule.originProjectIds, project.id) })}
                  />{' '}
                  {project.name}
                </label>
              ))}
          </div>
          <button type="button" class="quiet" onClick={() => setEditing(editing.filter((_, at) => at !== index))}>
            Remove rule {index + 1}
          </button>
        </fieldset>
      ))}
      <div class="actions">
        <button type="button" class="quiet" onClick={() => setEditing([...editing, {}])}>
          Add a rule
        </button>
        <button type="button" disabled={busy} onClick={() => void save()}>
          Save rules
        </button>
        <button type="button" class="quiet" onClick={() => setEditing(null)}>
          Cancel
        </button>
      </div>
      <Problem text={problem} />
    </section>
  );
}
