/**
 * Fake people on Messenger: each action builds the webhook event Meta would send, updates what
 * the simulator knows about the person (the window it will enforce), and POSTs the event signed to
 * the app under test. Every action returns the payload and the HTTP status the app answered.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { PAGE_INBOX_APP_ID, type SimulatorState } from './state.ts';
import type { IssuedToken, Person, PersonInput, SimComment, SimTemplate } from './types.ts';
import {
  legacySignatureHeader,
  type MessagingEntry,
  metaJson,
  reactionName,
  signatureHeader,
  type WebhookEnvelope,
} from './webhook-wire.ts';

const DAY = 86_400_000;
/** Legacy DAILY notification tokens last 6 months; one-time tokens 1 year. */
const MARKETING_TOKEN_MS = 182 * DAY;
const ONE_TIME_TOKEN_MS = 365 * DAY;

export interface TransportRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface TransportResponse {
  readonly status: number;
  readonly body: string;
}

/** How webhooks reach the app: HTTP by default, or e.g. Fastify `inject()` in a test. */
export type WebhookTransport = (req: TransportRequest) => Promise<TransportResponse>;

export const fetchTransport: WebhookTransport = async (req) => {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body === undefined ? {} : { body: req.body }),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: await res.text() };
};

/** One webhook event, built but not yet sent; `apply` is its effect on the simulator's memory. */
export interface SimEvent {
  readonly pageId: string;
  readonly kind: 'messaging' | 'change';
  readonly body: Record<string, unknown>;
  readonly time: number;
  readonly apply?: () => void;
}

export interface WebhookResult {
  readonly payload: WebhookEnvelope;
  readonly rawBody: string;
  /** HTTP status the app answered; 0 when it could not be reached. */
  readonly status: number;
  readonly responseBody: string;
  readonly error?: string;
}

export interface HandshakeResult {
  readonly ok: boolean;
  readonly status: number;
  readonly challenge: string;
  readonly body: string;
  readonly error?: string;
}

export interface PeopleOptions {
  readonly appSecret: string;
  readonly webhookUrl?: string;
  readonly transport?: WebhookTransport;
  readonly now: () => number;
  /** Meta's escaping of non-ASCII and "/" in the signed body. Default true. */
  readonly escapeUnicode?: boolean;
}

function mid(): string {
  return `m_${randomBytes(18).toString('base64url')}`;
}

function digits(n: number): string {
  let s = String(randomInt(1, 10));
  for (let i = 1; i < n; i++) s += String(randomInt(0, 10));
  return s;
}

export class FakePeople {
  appSecret: string;
  webhookUrl: string | undefined;
  transport: WebhookTransport;
  readonly #now: () => number;
  readonly #escape: boolean;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(
    private readonly state: SimulatorState,
    options: PeopleOptions,
  ) {
    this.appSecret = options.appSecret;
    this.webhookUrl = options.webhookUrl;
    this.transport = options.transport ?? fetchTransport;
    this.#now = options.now;
    this.#escape = options.escapeUnicode ?? true;
  }

  createPerson(input: PersonInput): Person {
    return this.state.addPerson(input);
  }

  get(pageId: string, psid: string): Person | undefined {
    return this.state.person(pageId, psid);
  }

  /**
   * Marks an inbound action without sending a webhook: for seeding large benchmarks whose
   * contacts already exist in the app under test.
   */
  touch(person: Person, at: number = this.#now()): void {
    person.lastInboundAt = at;
  }

  block(person: Person): void {
    person.blocked = true;
  }

  unblock(person: Person): void {
    person.blocked = false;
  }

  // --- event builders (nothing is sent until deliver/sendBatch) ----------

  readonly events = {
    text: (p: Person, text: string, extra: Record<string, unknown> = {}): SimEvent =>
      this.#messaging(p, { message: { mid: mid(), text, ...extra } }, 'window'),
    attachment: (p: Person, type: 'image' | 'audio' | 'video' | 'file', url: string): SimEvent =>
      this.#messaging(p, { message: { mid: mid(), attachments: [{ type, payload: { url } }] } }, 'window'),
    quickReply: (p: Person, title: string, payload: string): SimEvent =>
      this.#messaging(p, { message: { mid: mid(), text: title, quick_reply: { payload } } }, 'window'),
    postback: (p: Person, payload: string, referral?: Record<string, unknown>, title = payload): SimEvent =>
      this.#messaging(
        p,
        { postback: { mid: mid(), title, payload, ...(referral ? { referral } : {}) } },
        'window',
      ),
    getStarted: (p: Person, ref?: string): SimEvent => {
      const profile = this.state.pages.get(p.pageId)?.messengerProfile;
      const gs = profile?.get_started as { payload?: unknown } | undefined;
      const payload = typeof gs?.payload === 'string' ? gs.payload : 'GET_STARTED';
      return this.events.postback(
        p,
        payload,
        ref === undefined ? undefined : { ref, source: 'SHORTLINK', type: 'OPEN_THREAD' },
        'Get Started',
      );
    },
    referral: (p: Person, ref: string, source: 'SHORTLINK' | 'ADS' = 'SHORTLINK', adId?: string): SimEvent =>
      this.#messaging(
        p,
        {
          referral: {
            ref,
            source,
            type: 'OPEN_THREAD',
            ...(adId === undefined ? {} : { ad_id: adId, ads_context_data: { ad_title: `Ad ${adId}` } }),
          },
        },
        'window',
      ),
    adMessage: (p: Person, text: string, adId: string): SimEvent =>
      this.#messaging(
        p,
        {
          message: {
            mid: mid(),
            text,
            referral: {
              source: 'ADS',
              type: 'OPEN_THREAD',
              ad_id: adId,
              ads_context_data: { ad_title: `Ad ${adId}`, post_id: `${p.pageId}_${adId}` },
            },
          },
        },
        'ctm',
      ),
    react: (p: Person, targetMid: string, emoji: string, action: 'react' | 'unreact' = 'react'): SimEvent =>
      this.#messaging(
        p,
        { reaction: { mid: targetMid, action, emoji, reaction: reactionName(emoji) } },
        action === 'react' ? 'window' : 'none',
      ),
    read: (p: Person, watermark: number = this.#now()): SimEvent =>
      this.#messaging(p, { read: { watermark } }, 'none'),
    delivery: (p: Person, mids: readonly string[], watermark: number = this.#now()): SimEvent =>
      this.#messaging(p, { delivery: { mids: [...mids], watermark } }, 'none'),
    /** What Meta sends an app subscribed to `message_echoes` after the app's own send. */
    echoOfSend: (
      p: Person,
      messageId: string,
      appId: string,
      message: Readonly<Record<string, unknown>>,
    ): SimEvent => {
      const { text, attachment, metadata, quick_replies } = message;
      return this.#echo(p, {
        is_echo: true,
        app_id: Number(appId),
        ...(typeof metadata === 'string' ? { metadata } : {}),
        mid: messageId,
        ...(typeof text === 'string' ? { text } : {}),
        ...(attachment !== undefined ? { attachments: [attachment] } : {}),
        ...(quick_replies !== undefined ? { quick_replies } : {}),
      });
    },
    /** A reply typed in Meta's Page Inbox: a text, or an image when `imageUrl` is given. */
    echoFromPageInbox: (p: Person, text: string | null, imageUrl?: string): SimEvent =>
      this.#echo(
        p,
        {
          mid: mid(),
          is_echo: true,
          app_id: Number(PAGE_INBOX_APP_ID),
          ...(text !== null ? { text } : {}),
          ...(imageUrl !== undefined ? { attachments: [{ type: 'image', payload: { url: imageUrl } }] } : {}),
        },
        // A human replying in the Page Inbox takes the thread (Conversation Routing).
        () => this.state.threadOwners.set(`${p.pageId}/${p.psid}`, PAGE_INBOX_APP_ID),
      ),
  };

  /** The Page writing to the person, as its `message_echoes` event (`message.is_echo`). */
  #echo(p: Person, message: Record<string, unknown>, apply?: () => void): SimEvent {
    const time = this.#now();
    return {
      pageId: p.pageId,
      kind: 'messaging',
      time,
      body: { sender: { id: p.pageId }, recipient: { id: p.psid }, timestamp: time, message },
      ...(apply ? { apply } : {}),
    };
  }

  #messaging(p: Person, event: Record<string, unknown>, effect: 'window' | 'ctm' | 'none'): SimEvent {
    const time = this.#now();
    const m = (event.message as { mid?: string } | undefined)?.mid;
    return {
      pageId: p.pageId,
      kind: 'messaging',
      time,
      body: { sender: { id: p.psid }, recipient: { id: p.pageId }, timestamp: time, ...event },
      apply: () => {
        if (effect === 'window' || effect === 'ctm') p.lastInboundAt = time;
        if (effect === 'ctm') p.ctmStartedAt = time;
        if (m) p.lastMid = m;
      },
    };
  }

  // --- actions ------------------------------------------------------------

  sendText(p: Person, text: string): Promise<WebhookResult> {
    return this.deliver([this.events.text(p, text)]);
  }

  sendAttachment(p: Person, type: 'image' | 'audio' | 'video' | 'file', url: string): Promise<WebhookResult> {
    return this.deliver([this.events.attachment(p, type, url)]);
  }

  tapQuickReply(p: Person, title: string, payload: string): Promise<WebhookResult> {
    return this.deliver([this.events.quickReply(p, title, payload)]);
  }

  postback(p: Person, payload: string, referral?: Record<string, unknown>): Promise<WebhookResult> {
    return this.deliver([this.events.postback(p, payload, referral)]);
  }

  getStarted(p: Person, ref?: string): Promise<WebhookResult> {
    return this.deliver([this.events.getStarted(p, ref)]);
  }

  referral(
    p: Person,
    ref: string,
    source: 'SHORTLINK' | 'ADS' = 'SHORTLINK',
    adId?: string,
  ): Promise<WebhookResult> {
    return this.deliver([this.events.referral(p, ref, source, adId)]);
  }

  adMessage(p: Person, text: string, adId: string): Promise<WebhookResult> {
    return this.deliver([this.events.adMessage(p, text, adId)]);
  }

  react(
    p: Person,
    targetMid: string,
    emoji: string,
    action: 'react' | 'unreact' = 'react',
  ): Promise<WebhookResult> {
    return this.deliver([this.events.react(p, targetMid, emoji, action)]);
  }

  read(p: Person, watermark?: number): Promise<WebhookResult> {
    return this.deliver([this.events.read(p, watermark)]);
  }

  delivery(p: Person, mids: readonly string[], watermark?: number): Promise<WebhookResult> {
    return this.deliver([this.events.delivery(p, mids, watermark)]);
  }

  echoFromPageInbox(p: Person, text: string | null, imageUrl?: string): Promise<WebhookResult> {
    return this.deliver([this.events.echoFromPageInbox(p, text, imageUrl)]);
  }

  /** Opt-in to marketing messages: issues (or refreshes) a `notification_messages_token`. */
  async optInMarketing(
    p: Person,
    opts: { readonly title: string; readonly payload: string },
  ): Promise<WebhookResult & { readonly token: string }> {
    const now = this.#now();
    const existing = this.state.marketingToken(p);
    let token: IssuedToken;
    let status: 'REFRESHED' | 'NOT_REFRESHED';
    if (existing && !existing.stopped && existing.expiresAt > now) {
      existing.expiresAt = now + MARKETING_TOKEN_MS;
      token = existing;
      status = 'REFRESHED';
    } else {
      token = this.state.issueToken(
        'notification_messages',
        p,
        now,
        now + MARKETING_TOKEN_MS,
        opts.title,
        opts.payload,
      );
      status = 'NOT_REFRESHED';
    }
    const event = this.#optin(p, {
      type: 'notification_messages',
      title: opts.title,
      payload: opts.payload,
      notification_messages_token: token.token,
      notification_messages_timezone: p.ianaTimezone,
      token_expiry_timestamp: token.expiresAt,
      user_token_status: status,
    });
    return { ...(await this.deliver([event])), token: token.token };
  }

  stopMarketing(p: Person): Promise<WebhookResult> {
    return this.#marketingStatus(p, true);
  }

  resumeMarketing(p: Person): Promise<WebhookResult> {
    return this.#marketingStatus(p, false);
  }

  #marketingStatus(p: Person, stop: boolean): Promise<WebhookResult> {
    const token = this.state.marketingToken(p);
    if (!token) throw new Error(`person ${p.psid} never opted in to marketing messages`);
    const event = this.#optin(
      p,
      {
        type: 'notification_messages',
        title: token.title,
        payload: token.payload,
        notification_messages_token: token.token,
        notification_messages_timezone: p.ianaTimezone,
        token_expiry_timestamp: token.expiresAt,
        notification_messages_status: stop ? 'STOP NOTIFICATIONS' : 'RESUME NOTIFICATIONS',
      },
      () => {
        token.stopped = stop;
      },
    );
    return this.deliver([event]);
  }

  async optInOneTime(
    p: Person,
    opts: { readonly title?: string; readonly payload: string },
  ): Promise<WebhookResult & { readonly token: string }> {
    const now = this.#now();
    const token = this.state.issueToken(
      'one_time_notif',
      p,
      now,
      now + ONE_TIME_TOKEN_MS,
      opts.title ?? '',
      opts.payload,
    );
    const event = this.#optin(p, {
      type: 'one_time_notif_req',
      payload: opts.payload,
      one_time_notif_token: token.token,
    });
    return { ...(await this.deliver([event])), token: token.token };
  }

  /** Checkbox plugin opt-in: the app may message `recipient.user_ref` once within 24 h. */
  async optInCheckbox(p: Person, ref?: string): Promise<WebhookResult & { readonly userRef: string }> {
    const userRef = `ur_${randomBytes(12).toString('base64url')}`;
    const time = this.#now();
    const event: SimEvent = {
      pageId: p.pageId,
      kind: 'messaging',
      time,
      body: {
        recipient: { id: p.pageId },
        timestamp: time,
        optin: { ...(ref ? { ref } : {}), user_ref: userRef },
      },
      apply: () => this.state.setUserRef(p, userRef, time),
    };
    return { ...(await this.deliver([event])), userRef };
  }

  #optin(p: Person, optin: Record<string, unknown>, apply?: () => void): SimEvent {
    const time = this.#now();
    return {
      pageId: p.pageId,
      kind: 'messaging',
      time,
      body: { sender: { id: p.psid }, recipient: { id: p.pageId }, timestamp: time, optin },
      ...(apply ? { apply } : {}),
    };
  }

  /** A comment on a Page post: a `feed` change whose `comment_id` allows one private reply. */
  async comment(
    p: Person,
    postId: string,
    text: string,
  ): Promise<WebhookResult & { readonly commentId: string }> {
    const commentId = `${postId.split('_').pop()}_${digits(15)}`;
    return { ...(await this.deliver([this.#feedItem(p, postId, commentId, 'comment', text)])), commentId };
  }

  /** A visitor post on the Page: a `feed` change whose `post_id` allows one private reply. */
  async visitorPost(p: Person, text: string): Promise<WebhookResult & { readonly postId: string }> {
    const postId = `${p.pageId}_${digits(15)}`;
    return { ...(await this.deliver([this.#feedItem(p, postId, postId, 'post', text)])), postId };
  }

  #feedItem(p: Person, postId: string, id: string, item: 'comment' | 'post', text: string): SimEvent {
    const time = this.#now();
    const seconds = Math.floor(time / 1000);
    const value: Record<string, unknown> = {
      from: { id: p.userId, name: `${p.firstName} ${p.lastName}` },
      post_id: postId,
      created_time: seconds,
      item,
      verb: 'add',
      message: text,
      ...(item === 'comment'
        ? { comment_id: id, parent_id: postId, post: { id: postId, status_type: 'added_photos' } }
        : {}),
    };
    const comment: SimComment = {
      id,
      postId,
      pageId: p.pageId,
      psid: p.psid,
      createdAt: time,
      repliedAt: null,
    };
    return {
      pageId: p.pageId,
      kind: 'change',
      time,
      body: { field: 'feed', value },
      apply: () => this.state.comments.set(id, comment),
    };
  }

  // --- delivery ------------------------------------------------------------

  /** Sends several events in one POST, one `entry` per event (or one per Page with `groupByPage`). */
  sendBatch(
    events: readonly SimEvent[],
    opts: { readonly groupByPage?: boolean } = {},
  ): Promise<WebhookResult> {
    return this.deliver(events, opts.groupByPage ?? false);
  }

  async deliver(events: readonly SimEvent[], groupByPage = false): Promise<WebhookResult> {
    for (const e of events) e.apply?.();
    const entries: MessagingEntry[] = [];
    const byPage = new Map<
      string,
      { messaging: Record<string, unknown>[]; changes: Record<string, unknown>[]; time: number }
    >();
    for (const e of events) {
      if (groupByPage) {
        let g = byPage.get(e.pageId);
        if (!g) {
          g = { messaging: [], changes: [], time: e.time };
          byPage.set(e.pageId, g);
        }
        (e.kind === 'messaging' ? g.messaging : g.changes).push(e.body);
      } else {
        entries.push(
          e.kind === 'messaging'
            ? { id: e.pageId, time: e.time, messaging: [e.body] }
            : { id: e.pageId, time: Math.floor(e.time / 1000), changes: [e.body] },
        );
      }
    }
    for (const [pageId, g] of byPage) {
      entries.push({
        id: pageId,
        time: g.time,
        ...(g.messaging.length ? { messaging: g.messaging } : {}),
        ...(g.changes.length ? { changes: g.changes } : {}),
      });
    }
    const payload: WebhookEnvelope = { object: 'page', entry: entries };
    return this.post(payload);
  }

  /** Signs and POSTs an envelope as Meta does. */
  async post(payload: WebhookEnvelope): Promise<WebhookResult> {
    const rawBody = this.#escape ? metaJson(payload) : JSON.stringify(payload);
    const url = this.webhookUrl;
    if (!url) {
      this.state.counters.webhookFailures++;
      return { payload, rawBody, status: 0, responseBody: '', error: 'no webhook URL configured' };
    }
    try {
      const res = await this.transport({
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signatureHeader(this.appSecret, rawBody),
          'x-hub-signature': legacySignatureHeader(this.appSecret, rawBody),
          'user-agent': 'facebookexternalua',
        },
        body: rawBody,
      });
      this.state.counters.webhooksSent++;
      if (res.status < 200 || res.status >= 300) this.state.counters.webhookFailures++;
      return { payload, rawBody, status: res.status, responseBody: res.body };
    } catch (err) {
      this.state.counters.webhookFailures++;
      return { payload, rawBody, status: 0, responseBody: '', error: (err as Error).message };
    }
  }

  /** Meta's verification GET: `hub.mode=subscribe`, the verify token and a random challenge echoed back. */
  async handshake(verifyToken: string): Promise<HandshakeResult> {
    const challenge = String(randomInt(1, 2 ** 31 - 1));
    const url = this.webhookUrl;
    if (!url) return { ok: false, status: 0, challenge, body: '', error: 'no webhook URL configured' };
    const q = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': verifyToken,
      'hub.challenge': challenge,
    });
    try {
      const res = await this.transport({
        method: 'GET',
        url: `${url}${url.includes('?') ? '&' : '?'}${q.toString()}`,
        headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' },
      });
      return {
        ok: res.status === 200 && res.body.trim() === challenge,
        status: res.status,
        challenge,
        body: res.body,
      };
    } catch (err) {
      return { ok: false, status: 0, challenge, body: '', error: (err as Error).message };
    }
  }

  /** Delivery then read receipts for a message the Page sent (the `autoDeliver` option). */
  scheduleReceipts(p: Person, messageId: string, delayMs: number): void {
    this.#later(delayMs, () => this.delivery(p, [messageId]).then(() => this.read(p)));
  }

  /** The `message_echoes` webhook of a message the Page sent (the `echoSends` option). */
  scheduleEcho(
    p: Person,
    messageId: string,
    appId: string,
    message: Readonly<Record<string, unknown>>,
  ): void {
    const event = this.events.echoOfSend(p, messageId, appId, message);
    this.#later(0, () => this.deliver([event]));
  }

  /**
   * Meta's review outcome of a utility template: a `message_template_status_update` change, sent
   * shortly after the creation answer (as Meta does, "within seconds"). `flush()` waits for it.
   */
  notifyTemplateStatus(t: SimTemplate, apply?: () => void): void {
    const time = this.#now();
    const event: SimEvent = {
      pageId: t.pageId,
      kind: 'change',
      time,
      body: {
        field: 'message_template_status_update',
        value: {
          event: t.status,
          message_template_id: t.id,
          message_template_name: t.name,
          message_template_language: t.language,
          reason: t.rejectedReason ?? 'NONE',
        },
      },
      ...(apply ? { apply } : {}),
    };
    this.#later(0, () => this.deliver([event]));
  }

  /**
   * Webhooks Meta sends on its own after an API call (receipts, echoes, review outcomes), posted
   * after the API's answer (`delayMs` 0: on the next turn); `flush()` waits for them.
   */
  #later(delayMs: number, post: () => Promise<unknown>): void {
    const run = new Promise<void>((resolve) => {
      const go = () => {
        post()
          .catch(() => undefined)
          .finally(resolve);
      };
      if (delayMs > 0) setTimeout(go, delayMs);
      else setImmediate(go);
    });
    this.#pending.add(run);
    run.finally(() => this.#pending.delete(run));
  }

  /** Waits for scheduled webhooks (receipts, echoes, review outcomes) to be sent. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
