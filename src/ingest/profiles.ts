/**
 * Fetches a new contact's Messenger profile (name, locale, picture, timezone) once, as a queue job:
 * ingest never waits for Graph, a restart loses nothing, and any worker process may do it.
 */
import type { Logger } from 'pino';
import type { GraphClient } from '../graph/index.ts';
import type { JobOutcome, JobQueue, Worker } from '../queue/index.ts';
import { contacts, type Database, pages } from '../storage/index.ts';

export const PROFILE_JOB = 'profile.fetch';

export interface ProfileFetcherOptions {
  readonly database: Database;
  readonly graph: GraphClient;
  readonly queue: JobQueue;
  readonly secretKey: Buffer;
  readonly now: () => number;
  readonly logger?: Logger;
  /** Resolves later while webhooks are arriving (app/pacer.ts). */
  readonly pace?: () => Promise<void>;
}

/** "es_ES" -> "ES": Messenger gives a locale, not a country; its region is the best hint there is. */
export function countryFromLocale(locale: string | undefined | null): string | null {
  const m = /^[a-z]{2}_([A-Z]{2})$/.exec(locale ?? '');
  return m ? m[1]! : null;
}

export function createProfileFetcher(options: ProfileFetcherOptions) {
  const { database, graph, queue, secretKey, now, logger } = options;

  async function fetchOne(pageId: string, psid: string, contactId: string): Promise<JobOutcome> {
    const token = (await pages.getPageSecrets(database, secretKey, pageId))?.accessToken;
    if (!token) return { status: 'failed', reason: 'page_token_missing', retryable: false };
    const result = await graph.getUserProfile(psid, token, [
      'first_name',
      'last_name',
      'profile_pic',
      'locale',
      'timezone',
    ]);
    if (!result.ok) {
      const f = result.failure;
      logger?.debug({ contact: contactId, failure: f.category }, 'profile fetch failed');
      const retryable = f.category === 'transient' || f.category === 'rate_limited';
      return { status: 'failed', reason: f.category, retryable };
    }
    const d = result.data;
    await contacts.updateContactProfile(
      database,
      contactId,
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
    return { status: 'done' };
  }

  let worker: Worker | null = null;
  return {
    /** Fetches now (awaited), e.g. when a reply must be written in the person's language. */
    async fetchNow(pageId: string, psid: string, contactId: string): Promise<void> {
      await fetchOne(pageId, psid, contactId);
    },
    async enqueue(pageId: string, psid: string, contactId: string): Promise<void> {
      await queue.enqueue(PROFILE_JOB, { pageId, psid, contactId }, { key: contactId, attempts: 5 });
    },
    /** Queues many at once (one statement per chunk): a slice of a burst creates many contacts. */
    async enqueueMany(list: readonly { pageId: string; psid: string; contactId: string }[]): Promise<void> {
      if (list.length === 0) return;
      await queue.enqueueMany(
        PROFILE_JOB,
        list.map((c) => ({
          payload: { pageId: c.pageId, psid: c.psid, contactId: c.contactId },
          opts: { key: c.contactId, attempts: 5 },
        })),
      );
    },
    /** Queues contacts that still have no profile (e.g. created while no worker ran). */
    async sweep(limit = 1000): Promise<number> {
      const missing = await contacts.listContactsWithoutProfile(database, limit);
      for (const c of missing) await this.enqueue(c.pageId, c.psid, c.id);
      return missing.length;
    },
    start(concurrency = 4): void {
      worker = queue.work(
        PROFILE_JOB,
        async (job) => {
          const p = job.payload as { pageId: string; psid: string; contactId: string };
          await options.pace?.();
          return fetchOne(p.pageId, p.psid, p.contactId);
        },
        { concurrency },
      );
    },
    /** Resolves when no profile job is waiting or running. */
    async idle(): Promise<void> {
      for (;;) {
        const c = await queue.counts(PROFILE_JOB);
        if (c.waiting + c.active === 0) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop(): Promise<void> {
      await worker?.close();
    },
  };
}
