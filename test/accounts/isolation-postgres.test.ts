/** The same workspace boundary and login throttle, with the app on PostgreSQL. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { createTwoWorkspaces, PASSWORD, type TwoWorkspaces } from '../support/two-workspaces.ts';

const pg = setupPostgresTestDatabase();
let t: TwoWorkspaces;
beforeEach(async () => {
  t = await createTwoWorkspaces({ databaseUrl: await pg().freshSchemaUrl() });
});
afterEach(async () => {
  await t.close();
});

describe('accounts on PostgreSQL', () => {
  it('keeps one workspace’s broadcasts and members from the other', async () => {
    const created = await t.a.inject({
      method: 'POST',
      url: '/api/v1/broadcasts',
      payload: { name: 'P', intent: 'promotional', content: { message: { type: 'text', text: 'Hola' } } },
    });
    expect(created.statusCode).toBe(201);
    expect(
      (await t.b.inject({ method: 'GET', url: `/api/v1/broadcasts/${created.json().id}` })).statusCode,
    ).toBe(404);
    const members = (await t.b.inject({ method: 'GET', url: '/api/v1/members' })).json().items;
    expect(members.map((m: { email: string }) => m.email)).toEqual(['owner@b.test']);
  });

  it('throttles a guessed password and lets the owner in after the window', async () => {
    for (let i = 0; i < 5; i++)
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'owner@a.test', password: 'wrong password' },
      });
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'owner@a.test', password: PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('900');
    t.clock.t += 15 * 60_000;
    await t.login('owner@a.test');
  });
});
