import { openDatabase } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { runLinksContract } from './links.contract.ts';

const requireServer = setupPostgresTestDatabase();

runLinksContract('PostgreSQL', async () =>
  openDatabase(await requireServer().freshSchemaUrl(), { poolMax: 4, migrate: true }),
);
