import { openDatabase } from '../../src/storage/index.ts';
import { runAccountsStoreContract } from '../storage/accounts.contract.ts';

runAccountsStoreContract('SQLite', () => openDatabase(':memory:', { migrate: true }));
