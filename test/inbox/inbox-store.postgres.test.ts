import { openDatabase } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { runInboxStoreContract } from './inbox-store.contract.ts';

const requireServer = setupPostgresTestDatabase();

runInboxStoreContract('PostgreSQL', async () =>
  openDatabase(await requireServer().freshSchemaUrl(), { poolMax: 3 }),
);
