import { openDatabase } from '../../src/storage/index.ts';
import { runInboxStoreContract } from './inbox-store.contract.ts';

runInboxStoreContract('SQLite in memory', () => openDatabase(':memory:'));
