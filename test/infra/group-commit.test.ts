// Group commit: a lone request goes at once, requests that arrive while a batch is in flight go
// together in the next one, no batch passes its weight (but one heavy request still goes), and a
// refusal reaches only the requests it concerns: the whole batch when the batch failed, one
// request when only it was refused.
import { describe, expect, it } from 'vitest';
import { createGroupCommit, type Settled } from '#infra/persistence/group-commit.ts';

/** A batch runner whose batches finish when the test says so. */
function heldRunner() {
  const batches: Array<{ inputs: readonly number[]; finish: (outcomes: readonly Settled<string>[] | Error) => void }> = [];
  const run = (inputs: readonly number[]) =>
    new Promise<readonly Settled<string>[]>((resolve, reject) => {
      batches.push({ inputs, finish: (outcomes) => (outcomes instanceof Error ? reject(outcomes) : resolve(outcomes)) });
    });
  const echo = (inputs: readonly number[]): Settled<string>[] => inputs.map((input) => ({ ok: true, value: `#${input}` }));
  return { batches, run, echo };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('sends a lone request at once and the requests that arrive meanwhile together', async () => {
    const { batches, run, echo } = heldRunner();
    const send = createGroupCommit(run, { maxInFlight: 1, maxWeight: 100 });
    const first = send(1);
    await turn();
    expect(batches.map((batch) => batch.inputs)).toEqual([[1]]);
    const later = [send(2), send(3), send(4)];
    await turn();
    expect(batches).toHaveLength(1);
    batches[0]?.finish(echo([1]));
    expect(await first).toBe('#1');
    await turn();
    expect(batches.map((batch) => batch.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1]?.finish(echo([2, 3, 4]));
    expect(await Promise.all(later)).toEqual(['#2', '#3', '#4']);
  });

  it('keeps batches under their weight, letting one heavy request go alone', async () => {
    const { batches, run, echo } = heldRunner();
    const send = createGroupCommit(run, { maxInFlight: 1, maxWeight: 10, weigh: (input) => input });
    const all = [5, 4, 3, 12, 1].map((input) => send(input));
    for (let finished = 0; finished < 4; finished += 1) {
      await turn();
      const latest = batches[finished];
      latest?.finish(echo(latest.inputs));
    }
    expect(await Promise.all(all)).toEqual(['#5', '#4', '#3', '#12', '#1']);
    expect(batches.map((batch) => batch.inputs)).toEqual([[5, 4], [3], [12], [1]]);
  });

  it('fails every request of a failed batch and goes on with the next', async () => {
    const { batches, run, echo } = heldRunner();
    const send = createGroupCommit(run, { maxInFlight: 1, maxWeight: 100 });
    const failed = [send(1), send(2)];
    await turn();
    const after = send(3);
    batches[0]?.finish(new Error('connection lost'));
    await expect(failed[0]).rejects.toThrow('connection lost');
    await expect(failed[1]).rejects.toThrow('connection lost');
    await turn();
    batches[1]?.finish(echo([3]));
    expect(await after).toBe('#3');
  });

  it('refuses only the request its batch refused', async () => {
    const { batches, run } = heldRunner();
    const send = createGroupCommit(run, { maxInFlight: 2, maxWeight: 100 });
    const both = [send(1), send(2)];
    await turn();
    batches[0]?.finish([{ ok: true, value: 'stored' }, { ok: false, error: new Error('project gone') }]);
    expect(await both[0]).toBe('stored');
    await expect(both[1]).rejects.toThrow('project gone');
  });

  it('runs up to maxInFlight batches side by side', async () => {
    const { batches, run, echo } = heldRunner();
    const send = createGroupCommit(run, { maxInFlight: 2, maxWeight: 1 });
    const all = [send(1), send(2), send(3)];
    await turn();
    expect(batches.map((batch) => batch.inputs)).toEqual([[1], [2]]);
    batches[1]?.finish(echo([2]));
    await turn();
    expect(batches.map((batch) => batch.inputs)).toEqual([[1], [2], [3]]);
    batches[0]?.finish(echo([1]));
    batches[2]?.finish(echo([3]));
    expect(await Promise.all(all)).toEqual(['#1', '#2', '#3']);
  });
});
