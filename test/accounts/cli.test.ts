import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { login } from '../../src/accounts/service.ts';
import { startRuntime } from '../../src/app/runtime.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { promptFirstOwner } from '../../src/cli/owner-prompt.ts';
import { printStartBanner } from '../../src/cli/start-banner.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { Lang } from '../../src/policy/index.ts';
import { accounts, openDatabase } from '../../src/storage/index.ts';

async function run(
  argv: string[],
  env: Record<string, string>,
  stdin: NodeJS.ReadableStream = Readable.from([]),
  lang: Lang = 'en',
) {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const io = {
    stdin,
    out: (s: string) => out.push(s),
    err: (s: string) => err.push(s),
    defaultLang: lang,
    setExitCode: (c: number) => {
      code = c;
    },
  };
  await buildProgram(io, { env, untilStopped: async () => {} }).parseAsync(['node', 'ventana', ...argv]);
  return { out: out.join('\n'), err: err.join('\n'), code };
}

describe('ventana user create', () => {
  it('creates an account with a role, reading the password from stdin, and refuses a second one with the same email', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventana-user-'));
    const env = { VENTANA_DATA_DIR: dir, VENTANA_LOG_LEVEL: 'silent' };
    const r = await run(
      ['user', 'create', '--email', 'Bot@Tienda.test', '--role', 'agent', '--password-stdin'],
      env,
      Readable.from(['una clave de script\n']),
    );
    expect(r).toMatchObject({ code: 0, out: 'Account created: Bot@Tienda.test (agent in default)' });
    const dup = await run(
      ['user', 'create', '--email', 'bot@tienda.test', '--role', 'viewer'],
      env,
      undefined,
      'es',
    );
    expect(dup).toMatchObject({ code: 1, err: 'Ya existe una cuenta con ese correo' });
    const bad = await run(['user', 'create', '--email', 'x@y.test', '--role', 'boss'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"role"');

    const gen = await run(['user', 'create', '--email', 'gen@tienda.test', '--role', 'viewer'], env);
    const password = /: (\S+)$/.exec(gen.out.split('\n')[1] ?? '')?.[1] ?? '';
    const parsed = parseConfig(env);
    if (!parsed.ok) throw new Error('config');
    const db = await openDatabase(parsed.config.databaseUrl, { migrate: true });
    try {
      const user = await accounts.users.findUserByEmail(db, 'bot@tienda.test');
      expect(await accounts.users.roleIn(db, 'default', user!.id)).toBe('agent');
      const ok = await login(db, {
        email: 'bot@tienda.test',
        password: 'una clave de script',
        ip: '::1',
        userAgent: null,
        now: Date.now(),
      });
      expect(ok.ok).toBe(true);
      const viaGenerated = await login(db, {
        email: 'gen@tienda.test',
        password,
        ip: '::1',
        userAgent: null,
        now: Date.now(),
      });
      expect(viaGenerated.ok).toBe(true);
    } finally {
      await db.close();
    }
  });
});

describe('the first start', () => {
  it('asks email, name and the password twice without echoing it, asking again after a mismatch', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (c) => {
      shown += String(c);
    });
    const answers = promptFirstOwner(input, output, 'es');
    for (const line of [
      'no-es-un-correo',
      'ana@tienda.test',
      'Ana',
      'corta',
      'una contraseña larga',
      'otra distinta xx',
      'una contraseña larga',
      'una contraseña larga',
    ]) {
      input.write(`${line}\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await answers).toEqual({
      email: 'ana@tienda.test',
      name: 'Ana',
      password: 'una contraseña larga',
    });
    expect(shown).toContain('El campo «email» no es válido');
    expect(shown).toContain('La contraseña debe tener al menos 10 caracteres');
    expect(shown).toContain('Las contraseñas no coinciden.');
    expect(shown).not.toContain('una contraseña larga');
  });

  it('gives up quietly when the input ends', async () => {
    const input = new PassThrough();
    const answers = promptFirstOwner(input, new PassThrough(), 'en');
    input.end('ana@tienda.test\n');
    expect(await answers).toBeNull();
  });

  it('prints the one-time setup link in the start banner while there is no owner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventana-banner-'));
    const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
    if (!parsed.ok) throw new Error('config');
    const runtime = await startRuntime(parsed.config, { demo: false, workers: false });
    try {
      const out: string[] = [];
      const io = {
        stdin: Readable.from([]),
        out: (s: string) => out.push(s),
        err: () => {},
        defaultLang: 'en' as const,
        setExitCode: () => {},
      };
      await printStartBanner(runtime, parsed.config, io);
      expect(out.join('\n')).toContain(`CREATE THE OWNER:  ${runtime.url}/setup?token=${runtime.setupToken}`);
    } finally {
      await runtime.close();
    }
  });
});
