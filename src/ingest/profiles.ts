/**
 * Fetches a new contact's Messenger profile (name, locale, picture, timezone) once, in the background:
 * ingest never waits for Graph. A small in-memory queue with bounded concurrency; contacts left
 * without a profile by a restart are picked up again by `sweep()`.
 */
import type { Logger } from 'pino';
import type { GraphClient } from '../graph/index.ts';
import { contacts, type Database, pages } from '../storage/index.ts';

export interface ProfileFetcherOptions {
  readonly database: Database;
  readonly graph: GraphClient;
  readonly secretKey: Buffer;
  readonly now: () => number;
  readonly logger?: Logger;
  /** Profile calls at once. Default 4. */
  readonly concurrency?: number;
  /** Most contacts waiting; beyond it new ones wait for the next sweep. Default 10,000. */
  readonly maxPending?: number;
}

interface Pending {
  readonly pageId: string;
  readonly psid: string;
  readonly contactId: string;
}

/** "es_ES" -> "ES": Messenger gives a locale, not a country; its region is the best hint there is. */
export function countryFromLocale(locale: string | undefined | null): string | null {
  const m = /^[a-z]{2}_([A-Z]{2})$/.exec(locale ?? '');
  return m ? m[1]! : null;
}

export function createProfileFetcher(options: ProfileFetcherOptions) {
  const { database, graph, secretKey, now, logger, concurrency = 4, maxPending = 10_000 } = options;
  const queue: Pending[] = [];
  const queued = new Set<string>();
  let active = 0;
  let stopped = false;
  const tokens = new Map<string, string | null>();

  async function tokenFor(pageId: string): Promise<string | null> {
    if (!tokens.has(pageId))
      tokens.set(pageId, (await pages.getPageSecrets(database, secretKey, pageId))?.accessToken ?? null);
    return tokens.get(pageId) ?? null;
  }

  async function fetchOne(p: Pending): Promise<void> {
    const token = await tokenFor(p.pageId);
    if (!token) return;
    const result = await graph.getUserProfile(p.psid, token, [
      'first_name',
      'last_name',
      'profile_pic',
      'locale',
      'timezone',
    ]);
    if (!result.ok) {
      logger?.debug({ contact: p.contactId, failure: result.failure.category }, 'profile fetch failed');
      return;
    }
    const d = result.data;
    await contacts.updateContactProfile(
      database,
      p.contactId,
      {
        firstName: d.first_name ?? null,
        lastName: d.last_name ?? null,
        profilePic: d.profile_pic ?? null,
        locale: d.locale ?? null,
        timezone: typeof d.timezone === 'number' ? d.timezone : null,
        country: countryFromLocale(d.locale),
      },
      now(),
    );
  }

  function pump(): void {
    while (!stopped && active < concurrency && queue.length > 0) {
      const next = queue.shift()!;
      active++;
      fetchOne(next)
        .catch((error: unknown) => logger?.warn({ err: error }, 'profile fetch error'))
        .finally(() => {
          active--;
          queued.delete(next.contactId);
          pump();
        });
    }
  }

  return {
    /** Fetches now (awaited), e.g. when a reply must be written in the person's language. */
    fetchNow: (pageId: string, psid: string, contactId: string): Promise<void> =>
      fetchOne({ pageId, psid, contactId }),
    enqueue(pageId: string, psid: string, contactId: string): void {
      if (stopped || queued.has(contactId) || queue.length >= maxPending) return;
      queued.add(contactId);
      queue.push({ pageId, psid, contactId });
      pump();
    },
    /** Queues contacts that still have no profile (after a restart). */
    async sweep(limit = 1000): Promise<number> {
      const missing = await contacts.listContactsWithoutProfile(database, limit);
      for (const c of missing) this.enqueue(c.pageId, c.psid, c.id);
      return missing.length;
    },
    async idle(): Promise<void> {
      while (active > 0 || queue.length > 0) await new Promise((r) => setTimeout(r, 10));
    },
    stop(): void {
      stopped = true;
      queue.length = 0;
    },
  };
}
