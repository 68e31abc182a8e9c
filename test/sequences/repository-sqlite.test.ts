import { openDatabase } from '../../src/storage/index.ts';
import { runSequencesRepositoryContract } from './repository.contract.ts';

runSequencesRepositoryContract('SQLite', () => openDatabase(':memory:'));
