import { openDatabase } from '../../src/storage/index.ts';
import { runGrowthContract } from './growth.contract.ts';

runGrowthContract('SQLite in memory', () => openDatabase(':memory:'));
