import { openDatabase } from '../../src/storage/index.ts';
import { runLinksContract } from './links.contract.ts';

runLinksContract('SQLite', () => openDatabase(':memory:', { migrate: true }));
