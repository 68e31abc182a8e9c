import { openDatabase } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { runSequencesRepositoryContract } from './repository.contract.ts';

// An unreachable PostgreSQL fails these tests (never skips them): see pg-fixture.ts.
const requireServer = setupPostgresTestDatabase();

runSequencesRepositoryContract('PostgreSQL', async () =>
  openDatabase(await requireServer().freshSchemaUrl(), { poolMax: 5 }),
);
