import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTwoWorkspaces,
  PASSWORD,
  sessionCookieFrom,
  type TwoWorkspaces,
} from '../support/two-workspaces.ts';

const PROMO = { name: 'P', intent: 'promotional', content: { message: { type: 'text', text: 'Hola' } } };
const H = 3_600_000;

let t: TwoWorkspaces;
beforeEach(async () => {
  t = await createTwoWorkspaces();
});
afterEach(async () => {
  await t.close();
});

describe('login and sessions', () => {
  it('logs in with an httpOnly SameSite=Lax cookie and answers who, where and the CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'OWNER@A.test', password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^ventana_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    expect(res.json()).toEqual({
      user: { id: t.a.userId, email: 'owner@a.test', name: expect.any(String), lang: 'en' },
      workspaces: [{ id: 'ws-a', name: 'Tienda A', role: 'owner' }],
      csrfToken: expect.any(String),
    });
    const me = await t.a.inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(me.json()).toMatchObject({
      workspace: { id: 'ws-a', name: 'Tienda A' },
      role: 'owner',
      csrfToken: t.a.csrfToken,
    });
  });

  it('refuses a wrong password in the request language without saying which part was wrong', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'accept-language': 'es' },
      payload: { email: 'owner@a.test', password: 'nope-nope-nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({
      code: 'invalid_credentials',
      message: 'El correo o la contraseña no son correctos',
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@a.test', password: 'nope-nope-nope' },
    });
    expect(unknown.json().error.code).toBe('invalid_credentials');
  });

  it('ends a session at logout, after a day idle, and 14 days after login however busy', async () => {
    const out = await t.a.inject({ method: 'POST', url: '/api/v1/auth/logout' });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await t.a.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);

    const idle = await t.login('owner@a.test');
    t.clock.t += 25 * H;
    expect((await idle.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);

    const busy = await t.login('owner@a.test');
    // Used every 23 h: never idle; 15 × 23 h = 345 h is past the 336 h (14 days) limit.
    for (let day = 0; day < 15; day++) {
      t.clock.t += 23 * H;
      const r = await busy.inject({ method: 'GET', url: '/api/v1/auth/me' });
      if (day < 14) expect(r.statusCode, `day ${day}`).toBe(200);
      else expect(r.statusCode).toBe(401);
    }
  });

  it('lists the person’s own sessions and revokes one, which stops working at once', async () => {
    const other = await t.login('owner@a.test');
    const list = (await t.a.inject({ method: 'GET', url: '/api/v1/auth/sessions' })).json().items as {
      id: string;
      current: boolean;
    }[];
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    const target = list.find((s) => !s.current)!;
    expect(
      (await t.b.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${target.id}` })).statusCode,
    ).toBe(404);
    expect((await other.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    expect(
      (await t.a.inject({ method: 'DELETE', url: `/api/v1/auth/sessions/${target.id}` })).statusCode,
    ).toBe(200);
    expect((await other.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await t.a.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
  });

  it('changes name, language and password (the current one required); other sessions end', async () => {
    const other = await t.login('owner@a.test');
    const wrong = await t.a.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      payload: { password: 'a brand new password', currentPassword: 'bad' },
    });
    expect(wrong.statusCode).toBe(403);
    const short = await t.a.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      payload: { password: 'short' },
      headers: { 'accept-language': 'es' },
    });
    expect(short.json().error).toEqual({
      code: 'password_too_short',
      message: 'La contraseña debe tener al menos 10 caracteres',
    });
    const ok = await t.a.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      payload: { name: 'Ana', lang: 'es', password: 'a brand new password', currentPassword: PASSWORD },
    });
    expect(ok.json().user).toMatchObject({ name: 'Ana', lang: 'es' });
    expect((await other.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await t.a.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    await expect(t.login('owner@a.test')).rejects.toThrow(/401/);
    await t.login('owner@a.test', 'a brand new password');
  });
});

describe('CSRF', () => {
  it('requires x-csrf-token matching the session on cookie-authenticated changes', async () => {
    const none = await t.a.inject({
      method: 'POST',
      url: '/api/v1/broadcasts',
      payload: PROMO,
      headers: { 'x-csrf-token': '' },
    });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('csrf_invalid');
    const other = await t.a.inject({
      method: 'POST',
      url: '/api/v1/broadcasts',
      payload: PROMO,
      headers: { 'x-csrf-token': t.b.csrfToken! },
    });
    expect(other.statusCode).toBe(403);
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: `ventana_session=${t.a.cookie}` },
    });
    expect(logout.statusCode).toBe(403);
    expect((await t.a.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: PROMO })).statusCode).toBe(
      201,
    );
    // Reading needs no CSRF token.
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/pages',
          headers: { cookie: `ventana_session=${t.a.cookie}` },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('does not ask for it with a bearer API key or the installation token', async () => {
    const key = await t.apiKeyActor(t.a, 'admin');
    expect((await key.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: PROMO })).statusCode).toBe(
      201,
    );
    const install = await t.app.inject({
      method: 'POST',
      url: '/api/v1/broadcasts',
      payload: PROMO,
      headers: { authorization: 'Bearer install-token-for-tests-0123456789' },
    });
    expect(install.statusCode).toBe(201);
  });
});

describe('API keys', () => {
  it('shows a key once, lists it by prefix only, and a revoked key stops working', async () => {
    const res = await t.a.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      payload: { name: 'Zapier', role: 'agent' },
    });
    expect(res.statusCode).toBe(201);
    const { key, id, prefix } = res.json() as { key: string; id: string; prefix: string };
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    const list = await t.a.inject({ method: 'GET', url: '/api/v1/api-keys' });
    expect(list.body).not.toContain(key);
    expect(list.json().items).toMatchObject([{ id, name: 'Zapier', prefix, role: 'agent', revokedAt: null }]);
    const auth = { authorization: `Bearer ${key}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/pages', headers: auth })).statusCode).toBe(200);
    expect((await t.a.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}` })).statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/pages', headers: auth });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthorized');
  });

  it('refuses a made-up key and a key with one character changed', async () => {
    const { key } = (
      await t.a.inject({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k', role: 'viewer' } })
    ).json() as { key: string };
    const changed = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    for (const k of [changed, 'vk_madeup_123']) {
      expect(
        (
          await t.app.inject({
            method: 'GET',
            url: '/api/v1/pages',
            headers: { authorization: `Bearer ${k}` },
          })
        ).statusCode,
      ).toBe(401);
    }
  });
});

describe('login throttling (failure counters in the database)', () => {
  it('locks an email after 5 failures with 429, Retry-After and a message in Spanish, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'owner@a.test', password: `wrong-${i}-password` },
      });
      expect(r.statusCode).toBe(401);
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'accept-language': 'es' },
      payload: { email: 'Owner@A.test', password: PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBe(900);
    expect(locked.json().error).toEqual({
      code: 'too_many_attempts',
      message: 'Demasiados intentos fallidos. Vuelve a probar dentro de 900 s',
    });
    // Another person's account is not locked by it.
    await t.login('owner@b.test');
    t.clock.t += 15 * 60_000;
    await t.login('owner@a.test');
  });

  it('locks an IP address after 30 failures across many emails', async () => {
    for (let i = 0; i < 30; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `guess${i}@a.test`, password: 'wrong-password' },
      });
    }
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'owner@b.test', password: PASSWORD },
    });
    expect(r.statusCode).toBe(429);
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.9',
      payload: { email: 'owner@b.test', password: PASSWORD },
    });
    expect(elsewhere.statusCode).toBe(200);
    expect(sessionCookieFrom(elsewhere)).toBeDefined();
  });
});

describe('invitations', () => {
  it('returns the accept URL once; accepting creates the person with the invited role and logs them in', async () => {
    const res = await t.a.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: 'Nuevo@A.test', role: 'agent' },
    });
    expect(res.statusCode).toBe(201);
    const { acceptUrl, token } = res.json() as { acceptUrl: string; token: string };
    expect(acceptUrl).toBe(`https://ventana.test/invitations/accept?token=${token}`);
    const list = await t.a.inject({ method: 'GET', url: '/api/v1/invitations' });
    expect(list.body).not.toContain(token);
    expect(list.json().items).toMatchObject([{ email: 'Nuevo@A.test', role: 'agent', status: 'pending' }]);

    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token },
    });
    expect(missing.json().error).toMatchObject({
      code: 'invalid_field',
      message: expect.stringContaining('"name"'),
    });
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, name: 'Nuevo', password: 'una contraseña larga' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().workspaces).toEqual([{ id: 'ws-a', name: 'Tienda A', role: 'agent' }]);
    expect(sessionCookieFrom(accepted)).toBeDefined();
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, name: 'Otro', password: 'una contraseña larga' },
    });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('invitation_invalid');
    await t.login('nuevo@a.test', 'una contraseña larga');
  });

  it('attaches an existing account only with its password, and expires after 7 days', async () => {
    const inv = (
      await t.a.inject({
        method: 'POST',
        url: '/api/v1/invitations',
        payload: { email: 'owner@b.test', role: 'viewer' },
      })
    ).json() as { token: string };
    const noPassword = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: inv.token, name: 'X', password: 'not the password' },
    });
    expect(noPassword.statusCode).toBe(403);
    expect(noPassword.json().error.code).toBe('wrong_password');
    t.clock.t += 1000;
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: inv.token, password: PASSWORD },
    });
    expect(ok.json().workspaces.map((w: { id: string; role: string }) => [w.id, w.role])).toEqual([
      ['ws-b', 'owner'],
      ['ws-a', 'viewer'],
    ]);

    const late = (
      await t.a.inject({
        method: 'POST',
        url: '/api/v1/invitations',
        payload: { email: 'late@a.test', role: 'viewer' },
      })
    ).json() as { token: string };
    t.clock.t += 7 * 24 * H + 1;
    const expired = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: late.token, name: 'L', password: 'una contraseña larga' },
    });
    expect(expired.json().error.code).toBe('invitation_invalid');
  });
});
