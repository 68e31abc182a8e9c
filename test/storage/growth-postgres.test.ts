import { openDatabase } from '../../src/storage/index.ts';
import { runGrowthContract } from './growth.contract.ts';
import { setupPostgresTestDatabase } from './pg-fixture.ts';

const requireServer = setupPostgresTestDatabase();

runGrowthContract('PostgreSQL', async () =>
  openDatabase(await requireServer().freshSchemaUrl(), { poolMax: 5 }),
);
