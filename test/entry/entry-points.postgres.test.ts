import { openDatabase } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { runEntryPointContract } from './entry-points.contract.ts';

const requireServer = setupPostgresTestDatabase();

runEntryPointContract('PostgreSQL', async () =>
  openDatabase(await requireServer().freshSchemaUrl(), { poolMax: 3 }),
);
