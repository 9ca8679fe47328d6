import { describe, expect, it } from 'vitest';
import { ExternalCallError } from '#domain/project/connector.ts';
import type { JiraConfig } from '#adapters/jira/settings.ts';
import { createJiraMapping, type JiraStatus } from '#adapters/jira/mapping.ts';
import { walkToStatus, type Transition, type WorkflowKnowledge } from '#adapters/jira/transitions.ts';
import { globalWorkflow, strictWorkflow, type SimWorkflow } from '#simulators/jira/simulator.ts';

const config: JiraConfig = { baseUrl: 'https://x.test/', projectKey: 'OPS', issueType: 'Task', richText: 'protect' };
const mapping = createJiraMapping(config);

/** Walks an in-memory issue through `workflow`, counting the calls a real walk would make. */
async function walk(workflow: SimWorkflow, from: string, hub: string, known: WorkflowKnowledge = new Map()) {
  let status = from;
  const calls = { available: 0, perform: 0 };
  const status_ = (name: string): JiraStatus => ({ name, category: workflow.statuses[name] });
  const result = await walkToStatus(
    {
      available: async () => {
        calls.available += 1;
        return workflow.transitions.filter((t) => (t.from === null || t.from === status) && t.to !== status).map((t): Transition => ({ id: t.id, to: status_(t.to) }));
      },
      perform: async (t) => {
        calls.perform += 1;
        status = t.to.name;
      },
    },
    status_(from),
    mapping.statusGoal(hub),
    known,
    hub,
  );
  return { status, calls, walked: result.walked.map((s) => s.name) };
}

describe('the status path planner', () => {
  it('takes the direct transition on a workflow with global transitions', async () => {
    expect(await walk(globalWorkflow, 'To Do', 'resolved')).toEqual({ status: 'Done', calls: { available: 1, perform: 1 }, walked: ['Done'] });
    expect((await walk(globalWorkflow, 'Done', 'closed')).status).toBe('Closed');
  });

  it('walks intermediate statuses on a strict workflow and reports them', async () => {
    const result = await walk(strictWorkflow, 'To Do', 'resolved');
    expect(result.walked).toEqual(['In Progress', 'In Review', 'Done']);
    expect(result.calls).toEqual({ available: 3, perform: 3 });
  });

  it('goes round through Done to reach an earlier status', async () => {
    expect((await walk(strictWorkflow, 'In Review', 'open')).walked).toEqual(['Done', 'To Do']);
  });

  it('remembers the workflow: a second walk costs only its transitions', async () => {
    const known: WorkflowKnowledge = new Map();
    await walk(strictWorkflow, 'To Do', 'resolved', known);
    const again = await walk(strictWorkflow, 'Done', 'resolved', new Map(known));
    expect(again.calls).toEqual({ available: 0, perform: 0 });
    const back = await walk(strictWorkflow, 'To Do', 'resolved', known);
    expect(back.calls).toEqual({ available: 0, perform: 3 });
  });

  it('does nothing when the issue is already there, and refuses a status the workflow cannot reach', async () => {
    expect((await walk(strictWorkflow, 'In Progress', 'in_progress')).calls).toEqual({ available: 0, perform: 0 });
    await expect(walk(strictWorkflow, 'To Do', 'blocked')).rejects.toThrow(ExternalCallError);
  });

  it('maps statuses by explicit map, then by name, then by category', () => {
    const custom = createJiraMapping({ ...config, statusMap: { blocked: 'Waiting' } });
    expect(custom.hubStatus({ name: 'waiting' })).toBe('blocked');
    expect(custom.hubStatus({ name: 'In Review' })).toBe('in_progress');
    expect(custom.hubStatus({ name: 'Shipped', category: 'done' })).toBe('resolved');
    expect(() => custom.hubStatus({ name: 'Limbo' })).toThrow(/status "Limbo" cannot be mapped/);
  });

  it('refuses hub values Jira cannot take, naming field and value', () => {
    expect(() => mapping.toJiraFields({ assignee: 'zoe' })).toThrow(/assignee "zoe" cannot be mapped to Jira/);
    expect(mapping.toJiraFields({ labels: ['needs review', 'ui'], priority: 'p1', assignee: 'jira:abc' })).toEqual({ labels: ['needs-review', 'ui'], priority: { name: 'Highest' }, assignee: { accountId: 'abc' } });
    expect(mapping.reported('labels', ['needs review'])).toEqual(['needs-review']);
  });
});
