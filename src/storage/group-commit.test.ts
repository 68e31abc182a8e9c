import { describe, expect, it } from 'vitest';
import { GroupCommit, type WebhookBodyRow } from './group-commit.ts';

const row = (id: string): WebhookBodyRow => ({ id, receivedAt: 1, raw: `{"id":"${id}"}` });

describe('GroupCommit', () => {
  it('writes rows added in the same turn as one batch and resolves each with its id', async () => {
    const batches: string[][] = [];
    const group = new GroupCommit(async (rows) => {
      batches.push(rows.map((r) => r.id));
    });
    const ids = await Promise.all(['a', 'b', 'c'].map((id) => group.add(row(id))));
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('resolves nothing before the batch is written, and rejects every row of a failed batch', async () => {
    let finish!: (ok: boolean) => void;
    const group = new GroupCommit(
      () =>
        new Promise<void>((resolve, reject) => {
          finish = (ok) => (ok ? resolve() : reject(new Error('disk full')));
        }),
    );
    let settled = false;
    const a = group.add(row('a')).finally(() => {
      settled = true;
    });
    const b = group.add(row('b'));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    finish(false);
    await expect(a).rejects.toThrow('disk full');
    await expect(b).rejects.toThrow('disk full');
  });

  it('splits large queues into batches of at most maxBatch and keeps at most maxInFlight writing', async () => {
    const sizes: number[] = [];
    let writing = 0;
    let maxWriting = 0;
    const group = new GroupCommit(
      async (rows) => {
        writing++;
        maxWriting = Math.max(maxWriting, writing);
        sizes.push(rows.length);
        await new Promise((r) => setImmediate(r));
        writing--;
      },
      { maxBatch: 4, maxInFlight: 2 },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => group.add(row(String(i)))));
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(maxWriting).toBe(2);
  });

  it('reports when every added row has been written', async () => {
    const written: string[] = [];
    const group = new GroupCommit(async (rows) => {
      written.push(...rows.map((r) => r.id));
    });
    await group.drained();
    void group.add(row('x'));
    void group.add(row('y'));
    await group.drained();
    expect(written).toEqual(['x', 'y']);
  });

  it('turns a synchronous throw of the writer into rejections', async () => {
    const group = new GroupCommit(() => {
      throw new Error('SQLITE_BUSY');
    });
    await expect(group.add(row('a'))).rejects.toThrow('SQLITE_BUSY');
  });
});

describe('GroupCommit under fake timers', () => {
  it('still commits when a test has faked setImmediate', async () => {
    const { vi } = await import('vitest');
    const group = new GroupCommit(async () => {});
    vi.useFakeTimers({ toFake: ['setImmediate', 'setTimeout'] });
    try {
      await expect(group.add(row('t'))).resolves.toBe('t');
    } finally {
      vi.useRealTimers();
    }
  });
});
