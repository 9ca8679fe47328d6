// The keyed limiter: limits per key and in all, and lanes whose work runs one at a time in order
// while other lanes of the same key go ahead.
import { describe, expect, it } from 'vitest';
import { createKeyedLimiter } from '#infra/bus/keyed-limiter.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('keyed limiter', () => {
  it('keeps one lane in arrival order while another lane of the same key runs', async () => {
    const limiter = createKeyedLimiter({ total: 8, perKey: 4 });
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = limiter.run('p', () => new Promise<void>((resolve) => (releaseFirst = resolve)).then(() => void order.push('a1')), 'a');
    const second = limiter.run('p', async () => void order.push('a2'), 'a');
    const other = limiter.run('p', async () => void order.push('b1'), 'b');
    await other;
    expect(order).toEqual(['b1']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });

  it('never runs more than perKey for a key nor total in all', async () => {
    const limiter = createKeyedLimiter({ total: 3, perKey: 2 });
    let running = 0;
    let most = 0;
    let mostOfA = 0;
    let runningA = 0;
    const job = (key: string) =>
      limiter.run(key, async () => {
        running += 1;
        if (key === 'a') runningA += 1;
        most = Math.max(most, running);
        mostOfA = Math.max(mostOfA, runningA);
        await tick();
        running -= 1;
        if (key === 'a') runningA -= 1;
      });
    await Promise.all([...Array.from({ length: 6 }, () => job('a')), ...Array.from({ length: 6 }, () => job('b'))]);
    expect(most).toBe(3);
    expect(mostOfA).toBe(2);
    await limiter.idle();
    expect(limiter.active).toBe(0);
  });
});
