import { describe, expect, it } from 'vitest';
import { INBOUND_KINDS, type InboundKind } from '../policy/types.ts';
import type { InboundEvent } from './events.ts';
import { INBOUND_WINDOW_KINDS, type InboundWindowKind, inboundKindOf } from './inbound-kind.ts';
import { normalizeWebhook, parseWebhookBody } from './normalize.ts';

const PAGE = '1234567890';
const PSID = '6789012345';
const T = 1458692752478;

function page(items: readonly unknown[], key: 'messaging' | 'standby' = 'messaging'): unknown {
  return { object: 'page', entry: [{ id: PAGE, time: T, [key]: items }] };
}
function fromUser(fields: Record<string, unknown>): Record<string, unknown> {
  return { sender: { id: PSID }, recipient: { id: PAGE }, timestamp: T, ...fields };
}
function one(body: unknown): InboundEvent {
  const result = normalizeWebhook(body);
  if (!result.ok) throw new Error(`expected ok, got ${result.code} at ${result.path}`);
  expect(result.events).toHaveLength(1);
  return result.events[0]!;
}

describe('normalizeWebhook: event shapes', () => {
  const cases: ReadonlyArray<{
    name: string;
    body: unknown;
    expected: Record<string, unknown>;
    kind: InboundWindowKind | null;
  }> = [
    {
      name: 'reads a text message with its mid as dedupe key',
      body: page([fromUser({ message: { mid: 'm_abc', text: 'hola' } })]),
      expected: {
        kind: 'message',
        pageId: PAGE,
        senderId: PSID,
        recipientId: PAGE,
        contactId: PSID,
        timestamp: T,
        standby: false,
        mid: 'm_abc',
        text: 'hola',
        quickReplyPayload: null,
        dedupeKey: 'm_abc',
      },
      kind: 'message',
    },
    {
      name: 'reads a quick reply tap',
      body: page([fromUser({ message: { mid: 'm_q', text: 'Yes', quick_reply: { payload: 'YES' } } })]),
      expected: { kind: 'message', quickReplyPayload: 'YES' },
      kind: 'quick_reply',
    },
    {
      name: 'reads attachments, a reply_to and commands',
      body: page([
        fromUser({
          message: {
            mid: 'm_att',
            attachments: [
              { type: 'image', payload: { url: 'https://cdn.example/1.jpg' } },
              { type: 'sticker', payload: { url: 'https://cdn.example/s.png', sticker_id: 369239263222822 } },
              { type: 'fallback', title: 'Shared link', url: 'https://example.com', payload: null },
              'not an attachment',
            ],
            reply_to: { mid: 'm_prev', is_self_reply: false },
            commands: [{ name: 'order' }, { nope: 1 }],
          },
        }),
      ]),
      expected: {
        kind: 'message',
        text: null,
        attachments: [
          { type: 'image', url: 'https://cdn.example/1.jpg', title: null, stickerId: null },
          { type: 'sticker', url: 'https://cdn.example/s.png', title: null, stickerId: '369239263222822' },
          { type: 'fallback', url: 'https://example.com', title: 'Shared link', stickerId: null },
        ],
        replyToMid: 'm_prev',
        commands: ['order'],
      },
      kind: 'message',
    },
    {
      name: 'reads a first message from a Click-to-Messenger ad as an ad message',
      body: page([
        fromUser({
          message: {
            mid: 'm_ad',
            text: 'Is this available?',
            referral: {
              ref: 'spring',
              ad_id: '23842',
              source: 'ADS',
              type: 'OPEN_THREAD',
              ads_context_data: {
                ad_title: 'Spring sale',
                photo_url: 'https://cdn.example/p.jpg',
                post_id: '999',
                flow_id: 77,
              },
            },
          },
        }),
      ]),
      expected: {
        kind: 'message',
        referral: {
          ref: 'spring',
          source: 'ADS',
          type: 'OPEN_THREAD',
          adId: '23842',
          adsContextData: {
            adTitle: 'Spring sale',
            photoUrl: 'https://cdn.example/p.jpg',
            videoUrl: null,
            postId: '999',
            productId: null,
            flowId: '77',
          },
          refererUri: null,
          productId: null,
        },
      },
      kind: 'ad_message',
    },
    {
      name: 'reads an echo sent by a person from Page Inbox',
      body: page([
        {
          sender: { id: PAGE },
          recipient: { id: PSID },
          timestamp: T,
          message: { is_echo: true, app_id: 263902037430900, metadata: 'agent', mid: 'm_echo', text: 'Hi!' },
        },
      ]),
      expected: {
        kind: 'echo',
        senderId: PAGE,
        recipientId: PSID,
        contactId: PSID,
        appId: '263902037430900',
        fromPageInbox: true,
        metadata: 'agent',
        mid: 'm_echo',
        text: 'Hi!',
        dedupeKey: 'm_echo',
      },
      kind: null,
    },
    {
      name: 'reads an echo from another app as not from Page Inbox',
      body: page([
        {
          sender: { id: PAGE },
          recipient: { id: PSID },
          timestamp: T,
          message: { is_echo: true, app_id: '1517776481860111', mid: 'm_e2' },
        },
      ]),
      expected: { kind: 'echo', appId: '1517776481860111', fromPageInbox: false },
      kind: null,
    },
    {
      name: 'reads a Get Started postback from an m.me link with a timestamp in seconds as a string',
      body: page([
        {
          sender: { id: PSID },
          recipient: { id: PAGE },
          timestamp: '1527459824',
          postback: {
            mid: 'm_pb',
            title: 'Get Started',
            payload: 'GET_STARTED',
            referral: { ref: 'promo_qr', source: 'SHORTLINK', type: 'OPEN_THREAD' },
          },
        },
      ]),
      expected: {
        kind: 'postback',
        timestamp: 1527459824000,
        title: 'Get Started',
        payload: 'GET_STARTED',
        mid: 'm_pb',
        dedupeKey: 'm_pb',
        referral: {
          ref: 'promo_qr',
          source: 'SHORTLINK',
          type: 'OPEN_THREAD',
          adId: null,
          adsContextData: null,
          refererUri: null,
          productId: null,
        },
      },
      kind: 'postback',
    },
    {
      name: 'reads a postback whose sender is a user_ref',
      body: page([
        {
          sender: { user_ref: 'uref_1' },
          recipient: { id: PAGE },
          timestamp: T,
          postback: { title: 'Go', payload: 'GO' },
        },
      ]),
      expected: {
        kind: 'postback',
        senderId: 'uref_1',
        senderIsUserRef: true,
        contactId: 'uref_1',
        mid: null,
      },
      kind: 'postback',
    },
    {
      name: 'reads an m.me referral into an existing thread',
      body: page([
        fromUser({
          referral: {
            ref: 'summer',
            source: 'SHORTLINK',
            type: 'OPEN_THREAD',
            referer_uri: 'https://example.com/page',
          },
        }),
      ]),
      expected: {
        kind: 'referral',
        ref: 'summer',
        source: 'SHORTLINK',
        type: 'OPEN_THREAD',
        refererUri: 'https://example.com/page',
      },
      kind: 'referral',
    },
    {
      name: 'reads a marketing-messages opt-in with its token and expiry',
      body: page([
        fromUser({
          optin: {
            type: 'notification_messages',
            payload: 'DEALS',
            notification_messages_token: 'tok_123',
            notification_messages_timezone: 'Europe/Madrid',
            token_expiry_timestamp: 1727000000000,
            user_token_status: 'NOT_REFRESHED',
            title: 'Ofertas',
          },
        }),
      ]),
      expected: {
        kind: 'optin',
        optin: {
          type: 'notification_messages',
          token: 'tok_123',
          timezone: 'Europe/Madrid',
          tokenExpiresAt: 1727000000000,
          userTokenStatus: 'NOT_REFRESHED',
          notificationMessagesStatus: null,
          title: 'Ofertas',
          payload: 'DEALS',
        },
      },
      kind: 'optin',
    },
    {
      name: 'reads a STOP NOTIFICATIONS status change',
      body: page([
        fromUser({
          optin: {
            type: 'notification_messages',
            notification_messages_token: 'tok_123',
            notification_messages_status: 'STOP NOTIFICATIONS',
            payload: 'DEALS',
          },
        }),
      ]),
      expected: { kind: 'optin', optin: expect.objectContaining({ notificationMessagesStatus: 'STOP' }) },
      kind: 'optin',
    },
    {
      name: 'reads a RESUME_NOTIFICATIONS status change',
      body: page([
        fromUser({
          optin: { type: 'notification_messages', notification_messages_status: 'RESUME_NOTIFICATIONS' },
        }),
      ]),
      expected: { kind: 'optin', optin: expect.objectContaining({ notificationMessagesStatus: 'RESUME' }) },
      kind: 'optin',
    },
    {
      name: 'reads a one-time notification opt-in',
      body: page([
        fromUser({
          optin: { type: 'one_time_notif_req', payload: 'restock_42', one_time_notif_token: 'otn_1' },
        }),
      ]),
      expected: {
        kind: 'optin',
        optin: { type: 'one_time_notif_req', token: 'otn_1', payload: 'restock_42' },
      },
      kind: 'optin',
    },
    {
      name: 'reads a Send to Messenger opt-in',
      body: page([fromUser({ optin: { ref: 'landing_a' } })]),
      expected: { kind: 'optin', optin: { type: 'plugin', ref: 'landing_a', userRef: null } },
      kind: 'plugin_optin',
    },
    {
      name: 'reads a Checkbox opt-in that names the person only by user_ref',
      body: page([
        { recipient: { id: PAGE }, timestamp: T, optin: { ref: 'checkout', user_ref: 'uref_cb' } },
      ]),
      expected: {
        kind: 'optin',
        senderId: 'uref_cb',
        senderIsUserRef: true,
        contactId: 'uref_cb',
        optin: { type: 'plugin', ref: 'checkout', userRef: 'uref_cb' },
      },
      kind: 'plugin_optin',
    },
    {
      name: 'reads a delivery with mids and watermark',
      body: page([fromUser({ delivery: { mids: ['m_1', 'm_2'], watermark: 1458668856253 } })]),
      expected: { kind: 'delivery', mids: ['m_1', 'm_2'], watermark: 1458668856253 },
      kind: null,
    },
    {
      name: 'reads a read receipt',
      body: page([fromUser({ read: { watermark: 1458668856253 } })]),
      expected: { kind: 'read', watermark: 1458668856253 },
      kind: null,
    },
    {
      name: 'reads a reaction',
      body: page([
        fromUser({ reaction: { reaction: 'love', emoji: '\u2764\ufe0f', action: 'react', mid: 'm_r' } }),
      ]),
      expected: { kind: 'reaction', reaction: 'love', emoji: '\u2764\ufe0f', action: 'react', mid: 'm_r' },
      kind: 'reaction',
    },
    {
      name: 'does not count removing a reaction as an inbound action',
      body: page([fromUser({ reaction: { reaction: 'love', action: 'unreact', mid: 'm_r' } })]),
      expected: { kind: 'reaction', action: 'unreact' },
      kind: null,
    },
    {
      name: 'reads a message edit',
      body: page([fromUser({ message_edit: { mid: 'm_ed', text: 'fixed typo', num_edit: 2 } })]),
      expected: { kind: 'edit', mid: 'm_ed', text: 'fixed typo', numEdit: 2, dedupeKey: 'm_ed:edit:2' },
      kind: null,
    },
    {
      name: 'reads a pass_thread_control handover',
      body: page([
        fromUser({
          pass_thread_control: {
            previous_owner_app_id: '1517776481860111',
            new_owner_app_id: '263902037430900',
            metadata: 'to agent',
          },
        }),
      ]),
      expected: {
        kind: 'handover',
        action: 'pass',
        previousOwnerAppId: '1517776481860111',
        newOwnerAppId: '263902037430900',
        metadata: 'to agent',
      },
      kind: null,
    },
    {
      name: 'reads a take_thread_control handover',
      body: page([
        fromUser({ take_thread_control: { previous_owner_app_id: '1517776481860111', metadata: 'mine' } }),
      ]),
      expected: {
        kind: 'handover',
        action: 'take',
        previousOwnerAppId: '1517776481860111',
        newOwnerAppId: null,
      },
      kind: null,
    },
    {
      name: 'reads a request_thread_control handover',
      body: page([
        fromUser({ request_thread_control: { requested_owner_app_id: 123456789, metadata: 'please' } }),
      ]),
      expected: { kind: 'handover', action: 'request', requestedOwnerAppId: '123456789' },
      kind: null,
    },
    {
      name: 'reads an app_roles event addressed to the recipient',
      body: page([
        { recipient: { id: PAGE }, timestamp: T, app_roles: { '123456789': ['primary_receiver'] } },
      ]),
      expected: {
        kind: 'handover',
        action: 'app_roles',
        appRoles: { '123456789': ['primary_receiver'] },
        senderId: null,
      },
      kind: null,
    },
    {
      name: 'reads a policy enforcement block',
      body: page([
        { recipient: { id: PAGE }, timestamp: T, policy_enforcement: { action: 'block', reason: 'spam' } },
      ]),
      expected: {
        kind: 'policy_enforcement',
        action: 'block',
        reason: 'spam',
        senderId: null,
        contactId: null,
      },
      kind: null,
    },
    {
      name: 'keeps an unknown messaging event raw',
      body: page([fromUser({ game_play: { game_id: '1' } })]),
      expected: { kind: 'unknown', source: 'messaging' },
      kind: null,
    },
    {
      name: 'keeps an optin without type, ref or user_ref as unknown',
      body: page([fromUser({ optin: { foo: 'bar' } })]),
      expected: { kind: 'unknown' },
      kind: null,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const event = one(c.body);
      expect(event).toMatchObject(c.expected);
      expect(inboundKindOf(event)).toBe(c.kind);
    });
  }

  it('keeps the original messaging object as raw', () => {
    const item = fromUser({ message: { mid: 'm_raw', text: 'x', nlp: { entities: {} } } });
    expect(one(page([item])).raw).toBe(item);
  });

  it('marks events from entry.standby as standby', () => {
    const event = one(page([fromUser({ message: { mid: 'm_sb', text: 'hi' } })], 'standby'));
    expect(event).toMatchObject({ kind: 'message', standby: true });
  });
});

describe('normalizeWebhook: Page feed changes', () => {
  function feed(value: Record<string, unknown>): unknown {
    return { object: 'page', entry: [{ id: PAGE, time: 1700000000, changes: [{ field: 'feed', value }] }] };
  }
  const comment = {
    from: { id: '4444', name: 'Ana López' },
    post: {
      status_type: 'added_photos',
      is_published: true,
      updated_time: '2026-11-20T10:00:00+0000',
      permalink_url: 'https://x',
      promotion_status: 'inactive',
      id: `${PAGE}_555`,
    },
    message: '¿Precio?',
    post_id: `${PAGE}_555`,
    comment_id: '555_777',
    created_time: 1700000123,
    item: 'comment',
    parent_id: `${PAGE}_555`,
    verb: 'add',
  };

  it('reads a new comment as a comment inbound action by the commenter', () => {
    const event = one(feed(comment));
    expect(event).toMatchObject({
      kind: 'comment',
      item: 'comment',
      verb: 'add',
      commentId: '555_777',
      postId: `${PAGE}_555`,
      parentId: `${PAGE}_555`,
      fromId: '4444',
      fromName: 'Ana López',
      message: '¿Precio?',
      createdTime: 1700000123000,
      timestamp: 1700000123000,
      senderId: '4444',
      contactId: '4444',
      recipientId: PAGE,
    });
    expect(inboundKindOf(event)).toBe('comment');
  });

  it('reads a visitor post as a post item', () => {
    const event = one(feed({ ...comment, item: 'status', comment_id: undefined, parent_id: undefined }));
    expect(event).toMatchObject({ kind: 'comment', item: 'post', commentId: null });
    expect(inboundKindOf(event)).toBe('comment');
  });

  it('does not treat an edited or removed comment as an inbound action', () => {
    expect(inboundKindOf(one(feed({ ...comment, verb: 'edited' })))).toBeNull();
    expect(inboundKindOf(one(feed({ ...comment, verb: 'remove' })))).toBeNull();
  });

  it("does not treat the Page's own comment as a contact's action", () => {
    const event = one(feed({ ...comment, from: { id: PAGE, name: 'Shop' } }));
    expect(event).toMatchObject({ kind: 'comment', contactId: null });
    expect(inboundKindOf(event)).toBeNull();
  });

  it('keeps other feed items (likes, reactions) as unknown', () => {
    expect(one(feed({ item: 'reaction', verb: 'add', reaction_type: 'like' }))).toMatchObject({
      kind: 'unknown',
      source: 'changes:feed',
    });
  });

  it('reads a template status update', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1700000000,
          changes: [
            {
              field: 'messenger_template_status_update',
              value: {
                event: 'APPROVED',
                message_template_id: 1234567,
                message_template_name: 'order_shipped',
                message_template_language: 'es',
                reason: 'NONE',
              },
            },
          ],
        },
      ],
    };
    expect(one(body)).toMatchObject({
      kind: 'template_status',
      event: 'APPROVED',
      templateId: '1234567',
      templateName: 'order_shipped',
      language: 'es',
      reason: 'NONE',
      timestamp: 1700000000000,
    });
  });
});

describe('normalizeWebhook: batching, time and dedupe keys', () => {
  it('flattens several entries and events in order', () => {
    const body = {
      object: 'page',
      entry: [
        {
          id: 'p1',
          time: T,
          messaging: [fromUser({ message: { mid: 'a' } }), fromUser({ read: { watermark: T } })],
        },
        { id: 'p2', time: T, standby: [fromUser({ message: { mid: 'b' } })] },
      ],
    };
    const result = normalizeWebhook(body);
    expect(result.ok && result.events.map((e) => [e.pageId, e.kind, e.standby])).toEqual([
      ['p1', 'message', false],
      ['p1', 'read', false],
      ['p2', 'message', true],
    ]);
  });

  it('accepts timestamps in milliseconds, seconds and numeric strings', () => {
    const stamps = [1700000000000, 1700000000, '1700000000', '1700000000000'];
    for (const timestamp of stamps) {
      expect(one(page([{ ...fromUser({ read: { watermark: T } }), timestamp }])).timestamp).toBe(
        1700000000000,
      );
    }
  });

  it('falls back to entry.time when the event has no usable timestamp', () => {
    expect(one(page([{ ...fromUser({ read: { watermark: T } }), timestamp: 'soon' }])).timestamp).toBe(T);
  });

  it('gives identical events the same hash key and different events different keys', () => {
    const a = one(page([fromUser({ delivery: { mids: ['m_1'], watermark: T } })]));
    const again = one(page([fromUser({ delivery: { watermark: T, mids: ['m_1'] } })]));
    const other = one(page([fromUser({ delivery: { mids: ['m_1'], watermark: T + 1 } })]));
    expect(a.dedupeKey).toMatch(/^[0-9a-f]{32}$/);
    expect(again.dedupeKey).toBe(a.dedupeKey);
    expect(other.dedupeKey).not.toBe(a.dedupeKey);
  });

  it('keeps a react and the later unreact of the same message apart', () => {
    const react = one(page([fromUser({ reaction: { reaction: 'like', action: 'react', mid: 'm_x' } })]));
    const unreact = one(
      page([
        {
          ...fromUser({ reaction: { reaction: 'like', action: 'unreact', mid: 'm_x' } }),
          timestamp: T + 5000,
        },
      ]),
    );
    expect(react.dedupeKey).not.toBe(unreact.dedupeKey);
    expect(react.dedupeKey.startsWith('m_x:')).toBe(true);
  });

  it('parses raw bytes and reports invalid JSON', () => {
    const bytes = Buffer.from(JSON.stringify(page([fromUser({ message: { mid: 'm_b', text: 'ñ' } })])));
    const result = parseWebhookBody(bytes);
    expect(result.ok && result.events[0]).toMatchObject({ kind: 'message', text: 'ñ' });
    expect(parseWebhookBody('{"object":')).toMatchObject({ ok: false, code: 'invalid_json' });
  });
});

describe('normalizeWebhook: envelope errors', () => {
  const cases: ReadonlyArray<{ name: string; body: unknown; code: string; path: string }> = [
    { name: 'refuses a non-object body', body: [1, 2], code: 'invalid_envelope', path: '' },
    { name: 'refuses a body without object', body: { entry: [] }, code: 'invalid_envelope', path: 'object' },
    {
      name: 'reports an Instagram body as unsupported',
      body: { object: 'instagram', entry: [] },
      code: 'unsupported_object',
      path: 'object',
    },
    {
      name: 'refuses a missing entry array',
      body: { object: 'page' },
      code: 'invalid_envelope',
      path: 'entry',
    },
    {
      name: 'refuses an entry that is not an object',
      body: { object: 'page', entry: [null] },
      code: 'invalid_envelope',
      path: 'entry[0]',
    },
    {
      name: 'refuses an entry without id',
      body: { object: 'page', entry: [{ messaging: [] }] },
      code: 'invalid_envelope',
      path: 'entry[0].id',
    },
    {
      name: 'refuses messaging that is not an array',
      body: { object: 'page', entry: [{ id: PAGE, messaging: {} }] },
      code: 'invalid_envelope',
      path: 'entry[0].messaging',
    },
    {
      name: 'refuses a messaging item that is not an object',
      body: { object: 'page', entry: [{ id: PAGE }, { id: PAGE, standby: [{}, 'x'] }] },
      code: 'invalid_envelope',
      path: 'entry[1].standby[1]',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(normalizeWebhook(c.body)).toMatchObject({ ok: false, code: c.code, path: c.path });
    });
  }

  it('accepts an empty entry list as no events', () => {
    expect(normalizeWebhook({ object: 'page', entry: [] })).toEqual({ ok: true, events: [] });
  });
});

describe('inboundKindOf', () => {
  it('uses exactly the policy module inbound kinds', () => {
    // Compile-time: each union is assignable to the other; run time: same members, same order.
    const kinds: readonly InboundKind[] = INBOUND_WINDOW_KINDS;
    const back: readonly InboundWindowKind[] = INBOUND_KINDS;
    expect(kinds).toEqual(back);
  });
});
