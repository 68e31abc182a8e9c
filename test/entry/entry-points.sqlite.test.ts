import { openDatabase } from '../../src/storage/index.ts';
import { runEntryPointContract } from './entry-points.contract.ts';

runEntryPointContract('SQLite', () => openDatabase(':memory:'));
