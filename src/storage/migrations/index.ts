/**
 * Every migration, listed statically: no filesystem globbing, so migrations work the same
 * under tsx, in a compiled build and in tests. Append new entries; never rename or edit old ones.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_jobs.ts';
import * as m0003 from './0003_broadcasts.ts';
import * as m0004 from './0004_handoff.ts';
import * as m0005 from './0005_sequences.ts';
import * as m0006 from './0006_links.ts';
import * as m0007 from './0007_entry.ts';
import * as m0008 from './0008_flows.ts';
import * as m0009 from './0009_growth.ts';
import * as m0010 from './0010_accounts.ts';
import * as m0011 from './0011_inbox.ts';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001,
  '0002_jobs': m0002,
  '0003_broadcasts': m0003,
  '0004_handoff': m0004,
  '0010_accounts': m0010,
  '0005_sequences': m0005,
  '0009_growth': m0009,
  '0008_flows': m0008,
  '0006_links': m0006,
  '0007_entry': m0007,
  '0011_inbox': m0011,
};
