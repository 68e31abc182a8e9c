/**
 * A throwaway PostgreSQL database per test file: `CREATE DATABASE ventana_test_<random>` on the
 * server's `postgres` database, dropped afterwards, so parallel test files never collide.
 * An unreachable server is an error, not a skip: CI starts PostgreSQL and must notice if it did not.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export const ADMIN_URL =
  process.env.VENTANA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestPostgres {
  /** Connection URL of the fresh database. */
  readonly url: string;
  /** A URL for the same database whose search_path is a fresh, empty schema. */
  freshSchemaUrl(): Promise<string>;
  drop(): Promise<void>;
}

async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${reason}). The PostgreSQL tests need a running server: ` +
        'start it (CI does) or point VENTANA_TEST_POSTGRES_URL at one.',
    );
  }
  return client;
}

export async function createTestPostgres(): Promise<TestPostgres> {
  const name = `ventana_test_${randomBytes(6).toString('hex')}`;
  const admin = await adminClient();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  let schemas = 0;
  return {
    url: dbUrl,
    async freshSchemaUrl() {
      const schema = `s${++schemas}_${randomBytes(3).toString('hex')}`;
      const client = new pg.Client({ connectionString: dbUrl });
      await client.connect();
      try {
        await client.query(`create schema ${schema}`);
      } finally {
        await client.end();
      }
      const withSchema = new URL(dbUrl);
      withSchema.searchParams.set('options', `-c search_path=${schema}`);
      return withSchema.toString();
    },
    async drop() {
      const client = await adminClient();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Registers this file's throwaway database (created before its tests, dropped after) and returns
 * the accessor its tests call. An unreachable server makes every such call throw the setup error,
 * so the tests fail rather than skip.
 */
export function setupPostgresTestDatabase(): () => TestPostgres {
  let server: TestPostgres | undefined;
  let setupError: unknown;
  beforeAll(async () => {
    try {
      server = await createTestPostgres();
    } catch (error) {
      setupError = error;
    }
  });
  afterAll(async () => {
    await server?.drop();
  });
  return () => {
    if (server === undefined) throw setupError ?? new Error('PostgreSQL test database was not created');
    return server;
  };
}
