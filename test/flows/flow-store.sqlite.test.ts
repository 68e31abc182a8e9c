import { openDatabase } from '../../src/storage/index.ts';
import { runFlowStoreContract } from './flow-store.contract.ts';

runFlowStoreContract('SQLite', () => openDatabase(':memory:', { migrate: true }));
