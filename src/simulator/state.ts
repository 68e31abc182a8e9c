/**
 * Everything the simulator remembers: Pages, fake people and their last inbound actions, issued
 * opt-in tokens, comments, templates, thread owners, per-Page rate windows, the bounded request log
 * and the exact counters. All lookups on the send path are Map hits (O(1)).
 */
import { randomBytes } from 'node:crypto';
import { RingBuffer } from './ring-buffer.ts';
import type {
  FaultKind,
  InboxItem,
  IssuedToken,
  PageCounters,
  PageInput,
  Person,
  PersonInput,
  RecordedRequest,
  SimCampaign,
  SimComment,
  SimPage,
  SimTemplate,
  SimulatorCounters,
  TokenKind,
  ViolationRule,
} from './types.ts';

export interface RateLimits {
  /** Text, links, reactions, stickers: calls per window per Page. Default 300. */
  readonly textPerWindow: number;
  /** Audio and video attachments: calls per window per Page. Default 10. */
  readonly mediaPerWindow: number;
  /** Window length in ms. Default 1000. */
  readonly windowMs: number;
  /** Private replies per hour per Page. Default 750. */
  readonly privateRepliesPerHour: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  textPerWindow: 300,
  mediaPerWindow: 10,
  windowMs: 1000,
  privateRepliesPerHour: 750,
};

/** Page Inbox app (Meta Business Suite), as it appears in echoes and thread ownership. */
export const PAGE_INBOX_APP_ID = '263902037430900';

interface RateWindow {
  /** Index of the window (floor(now / windowMs)); counts reset when it changes. */
  window: number;
  text: number;
  media: number;
  hour: number;
  privateReplies: number;
}

function emptyCounters(): SimulatorCounters {
  return {
    requests: 0,
    sends: 0,
    sendsOk: 0,
    violations: 0,
    violationsByRule: {},
    rateLimitHits: 0,
    invalidRequests: 0,
    authErrors: 0,
    unavailable: 0,
    faultsInjected: 0,
    faultsByKind: {},
    privateReplies: 0,
    marketingMessages: 0,
    webhooksSent: 0,
    webhookFailures: 0,
  };
}

function emptyPageCounters(): PageCounters {
  return { sends: 0, ok: 0, failed: 0, violations: 0, rateLimitHits: 0, faults: 0 };
}

export interface StateOptions {
  readonly requestLogCap: number;
  readonly inboxCap: number;
  readonly rateLimits: RateLimits;
}

export class SimulatorState {
  readonly pages = new Map<string, SimPage>();
  readonly #pagesByToken = new Map<string, SimPage>();
  /** pageId -> psid -> person. */
  readonly #people = new Map<string, Map<string, Person>>();
  readonly #peopleByUserRef = new Map<string, Person>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly comments = new Map<string, SimComment>();
  readonly templates = new Map<string, SimTemplate>();
  /**
   * False (default): a template's review outcome is in the creation answer ("within seconds") and
   * the status webhook confirms it. True: the answer says PENDING and only the webhook brings it.
   */
  deferTemplateReview = false;
  /** Marketing Message API campaigns by id. */
  readonly campaigns = new Map<string, SimCampaign>();
  /** `${pageId}/${psid}` -> app id owning the thread. */
  readonly threadOwners = new Map<string, string>();
  readonly systemUserTokens = new Set<string>();

  counters: SimulatorCounters = emptyCounters();
  readonly pageCounters = new Map<string, PageCounters>();
  readonly requests: RingBuffer<RecordedRequest>;
  readonly #rates = new Map<string, RateWindow>();
  #seq = 0;
  #mid = 0;
  readonly #instance = randomBytes(4).toString('hex');

  constructor(readonly options: StateOptions) {
    this.requests = new RingBuffer(options.requestLogCap);
  }

  // --- pages -------------------------------------------------------------

  addPage(input: PageInput): SimPage {
    const old = this.pages.get(input.id);
    if (old) this.#pagesByToken.delete(old.token);
    const page: SimPage = {
      id: input.id,
      token: input.token,
      name: input.name ?? `Page ${input.id}`,
      permissions: {
        humanAgent: input.permissions?.humanAgent ?? false,
        utilityMessaging: input.permissions?.utilityMessaging ?? false,
        newsPageIndex: input.permissions?.newsPageIndex ?? false,
      },
      subscribedFields: old?.subscribedFields ?? [],
      messengerProfile: old?.messengerProfile ?? {},
    };
    this.pages.set(page.id, page);
    this.#pagesByToken.set(page.token, page);
    return page;
  }

  pageByToken(token: string): SimPage | undefined {
    return this.#pagesByToken.get(token);
  }

  // --- people ------------------------------------------------------------

  addPerson(input: PersonInput): Person {
    if (!this.pages.has(input.pageId)) throw new Error(`unknown page ${input.pageId}: register it first`);
    const psid = input.psid ?? randomDigits(16);
    const person: Person = {
      pageId: input.pageId,
      psid,
      userId: randomDigits(15),
      firstName: input.firstName ?? 'Test',
      lastName: input.lastName ?? 'Person',
      locale: input.locale ?? 'en_US',
      country: (input.country ?? 'US').toUpperCase(),
      timezone: input.timezone ?? 0,
      ianaTimezone: input.ianaTimezone ?? 'UTC',
      blocked: false,
      lastInboundAt: null,
      ctmStartedAt: null,
      userRefOptInAt: null,
      userRef: null,
      messagesReceived: 0,
      inbox: [],
      lastMid: null,
    };
    let byPsid = this.#people.get(input.pageId);
    if (!byPsid) {
      byPsid = new Map();
      this.#people.set(input.pageId, byPsid);
    }
    byPsid.set(psid, person);
    return person;
  }

  person(pageId: string, psid: string): Person | undefined {
    return this.#people.get(pageId)?.get(psid);
  }

  *allPeople(): Iterable<Person> {
    for (const byPsid of this.#people.values()) yield* byPsid.values();
  }

  setUserRef(person: Person, userRef: string, at: number): void {
    if (person.userRef) this.#peopleByUserRef.delete(person.userRef);
    person.userRef = userRef;
    person.userRefOptInAt = at;
    this.#peopleByUserRef.set(userRef, person);
  }

  personByUserRef(userRef: string): Person | undefined {
    return this.#peopleByUserRef.get(userRef);
  }

  // --- tokens, comments --------------------------------------------------

  issueToken(
    kind: TokenKind,
    person: Person,
    at: number,
    expiresAt: number,
    title: string,
    payload: string,
  ): IssuedToken {
    const token: IssuedToken = {
      token: randomBytes(24).toString('base64url'),
      kind,
      pageId: person.pageId,
      psid: person.psid,
      createdAt: at,
      expiresAt,
      stopped: false,
      usedAt: null,
      lastLegacySendAt: null,
      lastMarketingSendAt: null,
      title,
      payload,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** The person's live marketing token (newest first), if any. */
  marketingToken(person: Person): IssuedToken | undefined {
    let found: IssuedToken | undefined;
    for (const t of this.tokens.values()) {
      if (t.kind === 'notification_messages' && t.pageId === person.pageId && t.psid === person.psid)
        found = t;
    }
    return found;
  }

  // --- sends -------------------------------------------------------------

  nextMid(): string {
    return `m_${this.#instance}${(++this.#mid).toString(36)}`;
  }

  /** A message the Page delivered to a person. */
  deliver(person: Person, message: unknown, via: InboxItem['via'], at: number): string {
    const mid = this.nextMid();
    person.messagesReceived++;
    const cap = this.options.inboxCap;
    if (cap > 0) {
      person.inbox.push({ mid, at, message, via });
      if (person.inbox.length > cap) person.inbox.shift();
    }
    return mid;
  }

  #rate(pageId: string, now: number): RateWindow {
    const windowIdx = Math.floor(now / this.options.rateLimits.windowMs);
    const hour = Math.floor(now / 3_600_000);
    let w = this.#rates.get(pageId);
    if (!w) {
      w = { window: windowIdx, text: 0, media: 0, hour, privateReplies: 0 };
      this.#rates.set(pageId, w);
    }
    if (w.window !== windowIdx) {
      w.window = windowIdx;
      w.text = 0;
      w.media = 0;
    }
    if (w.hour !== hour) {
      w.hour = hour;
      w.privateReplies = 0;
    }
    return w;
  }

  /**
   * Takes one call from the Page's fixed window (aligned to multiples of `windowMs`); false when the
   * Page is over its limit. Refused calls do not consume budget.
   */
  admitSend(pageId: string, media: boolean, now: number): boolean {
    const w = this.#rate(pageId, now);
    const limits = this.options.rateLimits;
    if (media) {
      if (w.media >= limits.mediaPerWindow) return false;
      w.media++;
    } else {
      if (w.text >= limits.textPerWindow) return false;
      w.text++;
    }
    return true;
  }

  admitPrivateReply(pageId: string, now: number): boolean {
    const w = this.#rate(pageId, now);
    if (w.privateReplies >= this.options.rateLimits.privateRepliesPerHour) return false;
    w.privateReplies++;
    return true;
  }

  /** `X-Business-Use-Case-Usage` as Meta sends it: percentages of the Page's Messenger budget. */
  usageHeader(pageId: string, now: number, throttled: boolean): string {
    const w = this.#rate(pageId, now);
    const limits = this.options.rateLimits;
    const pct = Math.min(
      100,
      Math.round(Math.max(w.text / limits.textPerWindow, w.media / limits.mediaPerWindow) * 100),
    );
    const regainMs = throttled ? (w.window + 1) * limits.windowMs - now : 0;
    return JSON.stringify({
      [pageId]: [
        {
          type: 'messenger',
          call_count: throttled ? 100 : pct,
          total_cputime: Math.min(100, Math.round(pct / 4)),
          total_time: Math.min(100, Math.round(pct / 3)),
          // Meta reports minutes; the simulator's windows are seconds long, so round up.
          estimated_time_to_regain_access: regainMs > 0 ? Math.ceil(regainMs / 60_000) : 0,
        },
      ],
    });
  }

  // --- recording ---------------------------------------------------------

  nextSeq(): number {
    return ++this.#seq;
  }

  pageStats(pageId: string): PageCounters {
    let c = this.pageCounters.get(pageId);
    if (!c) {
      c = emptyPageCounters();
      this.pageCounters.set(pageId, c);
    }
    return c;
  }

  /** Records a finished request and updates the counters. `send` marks Send/Marketing API calls. */
  record(rec: RecordedRequest, send: boolean): void {
    const c = this.counters;
    c.requests++;
    const pc = send && rec.page !== null ? this.pageStats(rec.page) : null;
    if (send) c.sends++;
    if (pc) pc.sends++;
    if (rec.violation !== undefined) {
      c.violations++;
      c.violationsByRule[rec.violation] = (c.violationsByRule[rec.violation] ?? 0) + 1;
      if (pc) pc.violations++;
    }
    if (rec.fault !== undefined) this.#countFault(rec.fault, pc);
    switch (rec.outcome) {
      case 'ok':
        if (send) c.sendsOk++;
        if (pc) pc.ok++;
        break;
      case 'rate_limited':
        c.rateLimitHits++;
        if (pc) {
          pc.rateLimitHits++;
          pc.failed++;
        }
        break;
      case 'invalid':
      case 'not_found':
        c.invalidRequests++;
        if (pc) pc.failed++;
        break;
      case 'auth_error':
        c.authErrors++;
        if (pc) pc.failed++;
        break;
      case 'unavailable':
        c.unavailable++;
        if (pc) pc.failed++;
        break;
      case 'violation':
      case 'fault':
        if (pc) pc.failed++;
        break;
      default: {
        const never: never = rec.outcome;
        throw new Error(`unknown outcome ${String(never)}`);
      }
    }
    this.requests.push(rec);
  }

  #countFault(kind: FaultKind, pc: PageCounters | null): void {
    this.counters.faultsInjected++;
    this.counters.faultsByKind[kind] = (this.counters.faultsByKind[kind] ?? 0) + 1;
    if (pc) pc.faults++;
  }

  countViolation(rule: ViolationRule): number {
    return this.counters.violationsByRule[rule] ?? 0;
  }

  /** Forgets counters, the request log and rate windows; `all` also forgets people, tokens and comments. */
  reset(all: boolean): void {
    this.counters = emptyCounters();
    this.pageCounters.clear();
    this.requests.clear();
    this.#rates.clear();
    if (all) {
      this.#people.clear();
      this.#peopleByUserRef.clear();
      this.tokens.clear();
      this.comments.clear();
      this.templates.clear();
      this.campaigns.clear();
      this.threadOwners.clear();
    }
  }

  /** How many people got how many messages: `{ "0": n0, "1": n1, "2": n2, ... }`. */
  messagesHistogram(): { persons: number; max: number; histogram: Record<string, number> } {
    const histogram: Record<string, number> = {};
    let persons = 0;
    let max = 0;
    for (const p of this.allPeople()) {
      persons++;
      const k = String(p.messagesReceived);
      histogram[k] = (histogram[k] ?? 0) + 1;
      if (p.messagesReceived > max) max = p.messagesReceived;
    }
    return { persons, max, histogram };
  }
}

function randomDigits(n: number): string {
  const bytes = randomBytes(n);
  let s = String(1 + (bytes[0]! % 9));
  for (let i = 1; i < n; i++) s += String(bytes[i]! % 10);
  return s;
}
