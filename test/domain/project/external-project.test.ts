// The ExternalProject lifecycle rules: pause/resume, error after repeated failures and back on
// success, disconnected until new credentials, webhook secret rotation with a grace period.
import { describe, expect, it } from 'vitest';
import { sampleProject } from '#test/support/sample-project.ts';
import { failuresBeforeError, lastSyncedResolutionMs, ProjectStateError } from '#domain/project/external-project.ts';

const connect = () => sampleProject({ id: '11111111-1111-4111-8111-111111111111', nowMs: 0 });

describe('ExternalProject', () => {
  it('starts active, awaiting the handshake, which the first verified delivery completes', () => {
    const project = connect();
    expect([project.status, project.handshakeStatus]).toEqual(['active', 'pending']);
    project.recordVerifiedDelivery();
    expect(project.handshakeStatus).toBe('active');
  });

  it('pauses and resumes; a paused project syncs in no direction', () => {
    const project = connect();
    project.pause(1);
    expect(project.policy().direction).toBe('disabled');
    project.resume(2);
    expect(project.policy().direction).toBe('bidirectional');
    expect(() => project.resume(3)).not.toThrow();
  });

  it('shows error after repeated failures and is active again on the next success', () => {
    const project = connect();
    for (let i = 1; i < failuresBeforeError; i += 1) project.recordFailure('boom', i);
    expect(project.status).toBe('active');
    project.recordFailure('boom', 99);
    expect(project.status).toBe('error');
    expect(project.isSyncing()).toBe(true);
    project.recordSuccess(100);
    expect([project.status, project.consecutiveFailures]).toEqual(['active', 0]);
  });

  it('moves lastSyncedAt at most once per resolution, so a busy project is not rewritten by every push', () => {
    const project = connect();
    project.recordSuccess(1_000);
    project.recordSuccess(1_000 + lastSyncedResolutionMs - 1);
    expect(project.lastSyncedAt?.getTime()).toBe(1_000);
    project.recordSuccess(1_000 + lastSyncedResolutionMs);
    expect(project.lastSyncedAt?.getTime()).toBe(1_000 + lastSyncedResolutionMs);
  });

  it('says a success would change it exactly when recording one changes something', () => {
    const snapshot = (project: ReturnType<typeof connect>) => JSON.stringify([project.status, project.consecutiveFailures, project.lastSyncedAt]);
    const project = connect();
    const steps: Array<[string, (nowMs: number) => void, number]> = [
      ['first success', () => undefined, 1_000],
      ['soon after', () => undefined, 1_000 + lastSyncedResolutionMs - 1],
      ['a failure', (nowMs) => project.recordFailure('boom', nowMs), 1_000 + lastSyncedResolutionMs - 1],
      ['a resolution later', () => undefined, 1_000 + 2 * lastSyncedResolutionMs],
      ['clock went back', () => undefined, 500],
    ];
    for (const [step, before, nowMs] of steps) {
      before(nowMs);
      const predicted = project.successWouldChange(nowMs);
      const was = snapshot(project);
      project.recordSuccess(nowMs);
      expect([step, predicted]).toEqual([step, snapshot(project) !== was]);
    }
  });

  it('is disconnected when credentials are refused, until new ones are given; it cannot be paused meanwhile', () => {
    const project = connect();
    project.disconnect('401', 1);
    expect(project.isSyncing()).toBe(false);
    expect(() => project.pause(2)).toThrow(ProjectStateError);
    project.update({ sealedCredentials: 'new' }, 3);
    expect(project.status).toBe('active');
  });

  it('keeps the old webhook secret valid for the grace period after a rotation', () => {
    const project = connect();
    project.rotateWebhookSecret('second', 1_000, 500);
    expect(project.acceptedWebhookSecrets(1_200)).toEqual(['second', 'first']);
    expect(project.acceptedWebhookSecrets(1_600)).toEqual(['second']);
  });

  it('refuses a polling interval outside 5 s to a day, naming the field', () => {
    const project = connect();
    expect(() => project.update({ pollIntervalSeconds: 1 }, 1)).toThrow(/pollIntervalSeconds/);
  });
});
