/** The live stream reads the database, so a change written by another process (connection) is seen. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createInboxStream, idFloor, type StreamEvent } from '../../src/inbox/stream.ts';
import {
  contacts,
  conversations,
  messages,
  newId,
  openDatabase,
  pages,
  workspaces,
} from '../../src/storage/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ventana-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PAGE = '600000000000001';

describe('the inbox stream', () => {
  it('orders id floors below every id minted at or after their moment', () => {
    const t = Date.parse('2026-11-25T12:00:00Z');
    expect(idFloor(t) <= newId(t)).toBe(true);
    expect(idFloor(t + 1) > newId(t - 1)).toBe(true);
  });

  it('reports messages and conversation changes written through another connection, per workspace only', async () => {
    const file = `sqlite:${join(dir, 'shared.db')}`;
    const writer = await openDatabase(file, { migrate: true });
    const reader = await openDatabase(file);
    let now = Date.now();
    await workspaces.createWorkspace(writer, { id: 'w1', name: 'One', now });
    await workspaces.createWorkspace(writer, { id: 'w2', name: 'Two', now });
    await pages.upsertPage(writer, Buffer.alloc(32, 1), { id: PAGE, workspaceId: 'w1', name: 'P', now });
    const stream = createInboxStream(reader, { intervalMs: 20, now: () => now });
    const mine: StreamEvent[] = [];
    const theirs: StreamEvent[] = [];
    const stopMine = stream.subscribe('w1', (e) => mine.push(e));
    const stopTheirs = stream.subscribe('w2', (e) => theirs.push(e));
    await stream.poll();

    const r = await contacts.recordInbound(writer, {
      pageId: PAGE,
      psid: '42',
      at: now,
      kind: 'message',
      opensWindow: true,
    });
    if (!r.ok) throw new Error('not recorded');
    const conv = await conversations.openConversation(writer, {
      workspaceId: 'w1',
      contactId: r.contactId,
      pageId: PAGE,
      now,
    });
    await messages.insertMessage(writer, {
      conversationId: conv.id,
      contactId: r.contactId,
      pageId: PAGE,
      direction: 'in',
      kind: 'text',
      text: 'hola',
      sender: 'contact',
      createdAt: now,
    });
    await stream.poll();
    expect(mine.filter((e) => e.type === 'message').map((e) => e.data)).toEqual([
      expect.objectContaining({ conversationId: conv.id, text: 'hola', author: 'contact' }),
    ]);
    expect(mine.some((e) => e.type === 'conversation' && e.data.id === conv.id)).toBe(true);
    expect(theirs).toEqual([]);

    // Nothing new, nothing reported twice.
    const seen = mine.length;
    await stream.poll();
    expect(mine).toHaveLength(seen);

    now += 1000;
    await conversations.assignConversation(writer, conv.id, 'u7', now);
    await stream.poll();
    expect(mine.at(-1)).toMatchObject({ type: 'conversation', data: { id: conv.id, assignedUserId: 'u7' } });

    stopMine();
    now += 1000;
    await conversations.closeConversation(writer, conv.id, now);
    await stream.poll();
    expect(mine.at(-1)).toMatchObject({ data: { assignedUserId: 'u7', status: 'open' } });
    stopTheirs();
    stream.close();
    await reader.close();
    await writer.close();
  });
});
