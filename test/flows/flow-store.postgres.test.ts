import { openDatabase } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { runFlowStoreContract } from './flow-store.contract.ts';

const requireServer = setupPostgresTestDatabase();

runFlowStoreContract('PostgreSQL', async () =>
  openDatabase(await requireServer().freshSchemaUrl(), { poolMax: 3, migrate: true }),
);
