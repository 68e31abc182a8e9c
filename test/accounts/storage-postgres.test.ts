import { openDatabase } from '../../src/storage/index.ts';
import { runAccountsStoreContract } from '../storage/accounts.contract.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';

const pg = setupPostgresTestDatabase();
runAccountsStoreContract('PostgreSQL', async () =>
  openDatabase(await pg().freshSchemaUrl(), { migrate: true }),
);
