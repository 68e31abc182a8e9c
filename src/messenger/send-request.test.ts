import { describe, expect, it } from 'vitest';
import {
  OUTBOUND_PROBLEM_CODES,
  OUTBOUND_PROBLEM_MESSAGES,
  type OutboundMessage,
  validateOutbound,
} from './outbound.ts';
import {
  buildMarketingMessageRequest,
  buildSenderAction,
  buildSendRequest,
  type SendRequestInput,
  validateSendRequest,
} from './send-request.ts';
import { marketingMessageRequestSchema, sendRequestSchema } from './send-schema.ts';

const PSID = '6789012345';

describe('buildSendRequest', () => {
  const cases: ReadonlyArray<{ name: string; input: SendRequestInput; expected: unknown }> = [
    {
      name: 'builds a text reply with quick replies like the reference example',
      input: {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: { type: 'text', text: 'hello, world', quickReplies: [{ title: 'Yes', payload: 'YES' }] },
        notificationType: 'REGULAR',
      },
      expected: {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: {
          text: 'hello, world',
          quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'YES' }],
        },
        notification_type: 'REGULAR',
      },
    },
    {
      name: 'builds a HUMAN_AGENT tagged message',
      input: {
        recipient: { id: PSID },
        messaging_type: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { type: 'text', text: 'Hi, this is Ana from support' },
      },
      expected: {
        recipient: { id: PSID },
        messaging_type: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        message: { text: 'Hi, this is Ana from support' },
      },
    },
    {
      name: 'builds a utility template send',
      input: {
        recipient: { id: PSID },
        messaging_type: 'UTILITY',
        message: { type: 'utility_template', name: 'order_code', language: 'en', bodyParameters: ['566701'] },
      },
      expected: {
        recipient: { id: PSID },
        messaging_type: 'UTILITY',
        message: {
          template: {
            name: 'order_code',
            language: { code: 'en' },
            components: [{ type: 'body', parameters: [{ type: 'text', text: '566701' }] }],
          },
        },
      },
    },
    {
      name: 'builds named utility parameters',
      input: {
        recipient: { id: PSID },
        messaging_type: 'UTILITY',
        message: {
          type: 'utility_template',
          name: 'shipped',
          language: 'es',
          bodyParameters: [{ name: 'order', text: 'A-12' }],
        },
      },
      expected: expect.objectContaining({
        message: {
          template: {
            name: 'shipped',
            language: { code: 'es' },
            components: [
              { type: 'body', parameters: [{ type: 'text', text: 'A-12', parameter_name: 'order' }] },
            ],
          },
        },
      }),
    },
    {
      name: 'leaves messaging_type out for a notification_messages_token even when given',
      input: {
        recipient: { notification_messages_token: 'tok_1' },
        messaging_type: 'UPDATE',
        message: { type: 'text', text: 'Nuevas ofertas' },
      },
      expected: { recipient: { notification_messages_token: 'tok_1' }, message: { text: 'Nuevas ofertas' } },
    },
    {
      name: 'builds a private reply to a comment without messaging_type when the decision has none',
      input: {
        recipient: { comment_id: '555_777' },
        messaging_type: null,
        message: { type: 'text', text: 'Te escribimos' },
      },
      expected: { recipient: { comment_id: '555_777' }, message: { text: 'Te escribimos' } },
    },
    {
      name: 'builds a button template with reply_to, persona and metadata',
      input: {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: {
          type: 'button_template',
          text: 'What next?',
          buttons: [
            {
              type: 'web_url',
              title: 'Track',
              url: 'https://shop.example/track/1',
              webviewHeightRatio: 'tall',
            },
            { type: 'postback', title: 'Talk to us', payload: 'HUMAN' },
          ],
        },
        replyToMid: 'm_prev',
        personaId: '42',
        metadata: 'flow:7',
      },
      expected: {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'button',
              text: 'What next?',
              buttons: [
                {
                  type: 'web_url',
                  title: 'Track',
                  url: 'https://shop.example/track/1',
                  webview_height_ratio: 'tall',
                },
                { type: 'postback', title: 'Talk to us', payload: 'HUMAN' },
              ],
            },
          },
          metadata: 'flow:7',
        },
        reply_to: { mid: 'm_prev' },
        persona_id: '42',
      },
    },
    {
      name: 'builds a generic template',
      input: {
        recipient: { id: PSID },
        messaging_type: 'UPDATE',
        message: {
          type: 'generic_template',
          imageAspectRatio: 'square',
          elements: [
            {
              title: 'Camiseta',
              subtitle: 'Algodón',
              imageUrl: 'https://cdn.example/t.jpg',
              defaultActionUrl: 'https://shop.example/t',
              buttons: [{ type: 'postback', title: 'Más', payload: 'MORE_T' }],
            },
            { title: 'Gorra' },
          ],
        },
      },
      expected: expect.objectContaining({
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'generic',
              image_aspect_ratio: 'square',
              elements: [
                {
                  title: 'Camiseta',
                  subtitle: 'Algodón',
                  image_url: 'https://cdn.example/t.jpg',
                  default_action: { type: 'web_url', url: 'https://shop.example/t' },
                  buttons: [{ type: 'postback', title: 'Más', payload: 'MORE_T' }],
                },
                { title: 'Gorra' },
              ],
            },
          },
        },
      }),
    },
    {
      name: 'builds an image by URL and a file by attachment id',
      input: {
        recipient: { user_ref: 'uref_1' },
        messaging_type: 'RESPONSE',
        message: {
          type: 'attachment',
          attachmentType: 'image',
          url: 'https://cdn.example/a.png',
          isReusable: true,
        },
      },
      expected: {
        recipient: { user_ref: 'uref_1' },
        messaging_type: 'RESPONSE',
        message: {
          attachment: { type: 'image', payload: { url: 'https://cdn.example/a.png', is_reusable: true } },
        },
      },
    },
    {
      name: 'builds a Marketing Messages opt-in request',
      input: {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: {
          type: 'notification_messages_optin',
          title: 'Ofertas semanales',
          payload: 'DEALS',
          ctaText: 'GET_UPDATES',
        },
      },
      expected: expect.objectContaining({
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'notification_messages',
              title: 'Ofertas semanales',
              payload: 'DEALS',
              notification_messages_cta_text: 'GET_UPDATES',
            },
          },
        },
      }),
    },
    {
      name: 'builds a one-time notification request and a send to its token',
      input: {
        recipient: { one_time_notif_token: 'otn_1' },
        message: { type: 'one_time_notif_request', title: 'Avísame cuando vuelva', payload: 'restock_42' },
      },
      expected: {
        recipient: { one_time_notif_token: 'otn_1' },
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'one_time_notif_req',
              title: 'Avísame cuando vuelva',
              payload: 'restock_42',
            },
          },
        },
      },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const body = buildSendRequest(c.input);
      expect(body).toEqual(c.expected);
      // What we build for a valid input is what the simulator accepts.
      expect(validateSendRequest(c.input)).toEqual([]);
      expect(sendRequestSchema.safeParse(body).success).toBe(true);
    });
  }

  it('copies only the recipient identifier, never extra properties', () => {
    const recipient = { id: PSID, name: 'Ana' } as { id: string };
    expect(
      buildSendRequest({ recipient, messaging_type: 'RESPONSE', message: { type: 'text', text: 'x' } })
        .recipient,
    ).toEqual({
      id: PSID,
    });
  });

  it('builds an attachment by id', () => {
    const body = buildSendRequest({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { type: 'attachment', attachmentType: 'file', attachmentId: '1857777774821032' },
    });
    expect(body.message).toEqual({
      attachment: { type: 'file', payload: { attachment_id: '1857777774821032' } },
    });
  });
});

describe('buildSenderAction and buildMarketingMessageRequest', () => {
  it('builds a typing_on request with only the recipient', () => {
    const body = buildSenderAction({ id: PSID }, 'typing_on');
    expect(body).toEqual({ recipient: { id: PSID }, sender_action: 'typing_on' });
    expect(sendRequestSchema.safeParse(body).success).toBe(true);
  });

  it('refuses a sender action combined with a message', () => {
    const body = { recipient: { id: PSID }, sender_action: 'mark_seen', message: { text: 'x' } };
    expect(sendRequestSchema.safeParse(body).success).toBe(false);
  });

  it('builds a Marketing Message API send with the gap', () => {
    const body = buildMarketingMessageRequest({
      campaignMessageId: '120210000000',
      subscriptionToken: 'sub_tok',
      message: { type: 'text', text: '20% esta semana' },
      minConversationGapSeconds: 3600,
    });
    expect(body).toEqual({
      message_id: '120210000000',
      messenger_delivery_data: { subscription_token: 'sub_tok' },
      message: { text: '20% esta semana' },
      min_conversation_gap_seconds: 3600,
    });
    expect(marketingMessageRequestSchema.safeParse(body).success).toBe(true);
  });

  it('leaves the gap out when not given', () => {
    const body = buildMarketingMessageRequest({
      campaignMessageId: '1',
      subscriptionToken: 't',
      message: { type: 'text', text: 'x' },
    });
    expect(body).not.toHaveProperty('min_conversation_gap_seconds');
  });
});

describe('validateOutbound', () => {
  const long = (n: number) => 'a'.repeat(n);
  const cases: ReadonlyArray<{
    name: string;
    message: OutboundMessage;
    problems: ReadonlyArray<[string, string]>;
  }> = [
    { name: 'accepts 1999 characters of text', message: { type: 'text', text: long(1999) }, problems: [] },
    {
      name: 'refuses 2000 characters of text',
      message: { type: 'text', text: long(2000) },
      problems: [['text', 'text_too_long']],
    },
    { name: 'refuses blank text', message: { type: 'text', text: '  ' }, problems: [['text', 'text_empty']] },
    {
      name: 'refuses 14 quick replies',
      message: {
        type: 'text',
        text: 'x',
        quickReplies: Array.from({ length: 14 }, (_, i) => ({ title: `Q${i}`, payload: `P${i}` })),
      },
      problems: [['quickReplies', 'quick_replies_too_many']],
    },
    {
      name: 'refuses a quick reply title over 20 characters and a missing payload',
      message: { type: 'text', text: 'x', quickReplies: [{ title: long(21) }] },
      problems: [
        ['quickReplies[0].payload', 'quick_reply_payload_missing'],
        ['quickReplies[0].title', 'quick_reply_title_too_long'],
      ],
    },
    {
      name: 'accepts a phone-number quick reply without title',
      message: { type: 'text', text: 'x', quickReplies: [{ contentType: 'user_phone_number' }] },
      problems: [],
    },
    {
      name: 'refuses a button template with 641 characters and no buttons',
      message: { type: 'button_template', text: long(641), buttons: [] },
      problems: [
        ['text', 'text_too_long'],
        ['buttons', 'buttons_count'],
      ],
    },
    {
      name: 'refuses four buttons, a bad URL and a long button title',
      message: {
        type: 'button_template',
        text: 'x',
        buttons: [
          { type: 'web_url', title: 'A', url: 'javascript:alert(1)' },
          { type: 'postback', title: long(21), payload: 'P' },
          { type: 'postback', title: 'C', payload: 'P' },
          { type: 'postback', title: 'D', payload: 'P' },
        ],
      },
      problems: [
        ['buttons', 'buttons_count'],
        ['buttons[0].url', 'url_invalid'],
        ['buttons[1].title', 'button_title_too_long'],
      ],
    },
    {
      name: 'refuses eleven generic cards',
      message: { type: 'generic_template', elements: Array.from({ length: 11 }, () => ({ title: 'Card' })) },
      problems: [['elements', 'elements_count']],
    },
    {
      name: 'refuses a card without title and with an 81-character subtitle',
      message: { type: 'generic_template', elements: [{ title: '', subtitle: long(81) }] },
      problems: [
        ['elements[0].title', 'element_title_missing'],
        ['elements[0].subtitle', 'element_subtitle_too_long'],
      ],
    },
    {
      name: 'refuses an attachment with both a URL and an id',
      message: {
        type: 'attachment',
        attachmentType: 'image',
        url: 'https://x.example/a.png',
        attachmentId: '1',
      },
      problems: [['url', 'attachment_source']],
    },
    {
      name: 'refuses an attachment with neither a URL nor an id',
      message: { type: 'attachment', attachmentType: 'video' },
      problems: [['url', 'attachment_source']],
    },
    {
      name: 'refuses a utility template without name and with an empty parameter',
      message: { type: 'utility_template', name: '', language: 'en', bodyParameters: ['ok', ' '] },
      problems: [
        ['name', 'template_name_missing'],
        ['bodyParameters[1]', 'template_parameter_empty'],
      ],
    },
    {
      name: 'refuses an opt-in title over 65 characters',
      message: { type: 'notification_messages_optin', title: long(66), payload: 'P' },
      problems: [['title', 'optin_title_too_long']],
    },
    {
      name: 'accepts an opt-in title of exactly 65 characters',
      message: { type: 'one_time_notif_request', title: long(65), payload: 'P' },
      problems: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(validateOutbound(c.message).map((p) => [p.path, p.code])).toEqual(c.problems);
    });
  }

  it('renders problem messages in Spanish on request', () => {
    expect(validateOutbound({ type: 'text', text: long(2000) }, { lang: 'es' })[0]?.message).toBe(
      'El texto debe tener menos de 2000 caracteres.',
    );
  });

  it('has a message for every code in every language', () => {
    for (const lang of ['es', 'en'] as const) {
      for (const code of OUTBOUND_PROBLEM_CODES) {
        expect(OUTBOUND_PROBLEM_MESSAGES[lang][code]({ min: 1, max: 2 }).length).toBeGreaterThan(5);
      }
      expect(Object.keys(OUTBOUND_PROBLEM_MESSAGES[lang]).sort()).toEqual([...OUTBOUND_PROBLEM_CODES].sort());
    }
  });
});

describe('validateSendRequest and sendRequestSchema agree on request rules', () => {
  const text: OutboundMessage = { type: 'text', text: 'hola' };
  const utility: OutboundMessage = {
    type: 'utility_template',
    name: 'order',
    language: 'es',
    bodyParameters: ['1'],
  };
  const cases: ReadonlyArray<{ name: string; input: SendRequestInput; code: string }> = [
    {
      name: 'a PSID send needs a messaging_type',
      input: { recipient: { id: PSID }, message: text },
      code: 'messaging_type_required',
    },
    {
      name: 'MESSAGE_TAG needs a tag',
      input: { recipient: { id: PSID }, messaging_type: 'MESSAGE_TAG', message: text },
      code: 'tag_required',
    },
    {
      name: 'a tag needs MESSAGE_TAG',
      input: { recipient: { id: PSID }, messaging_type: 'UPDATE', tag: 'ACCOUNT_UPDATE', message: text },
      code: 'tag_without_message_tag',
    },
    {
      name: 'UTILITY needs a template',
      input: { recipient: { id: PSID }, messaging_type: 'UTILITY', message: text },
      code: 'utility_requires_template',
    },
    {
      name: 'a template needs UTILITY',
      input: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: utility },
      code: 'template_requires_utility',
    },
    {
      name: 'metadata must stay under 1000 characters',
      input: {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: text,
        metadata: 'm'.repeat(1000),
      },
      code: 'metadata_too_long',
    },
    {
      name: 'text must stay under 2000 characters',
      input: {
        recipient: { id: PSID },
        messaging_type: 'RESPONSE',
        message: { type: 'text', text: 't'.repeat(2000) },
      },
      code: 'text_too_long',
    },
  ];
  for (const c of cases) {
    it(`refuses a request where ${c.name}`, () => {
      expect(validateSendRequest(c.input).map((p) => p.code)).toContain(c.code);
      expect(sendRequestSchema.safeParse(buildSendRequest(c.input)).success).toBe(false);
    });
  }

  it('refuses a messaging_type on a notification_messages_token body on the wire', () => {
    const body = {
      recipient: { notification_messages_token: 't' },
      messaging_type: 'UPDATE',
      message: { text: 'hola' },
    };
    expect(sendRequestSchema.safeParse(body).success).toBe(false);
  });

  it('refuses a recipient with two identifiers', () => {
    const recipient = { id: PSID, user_ref: 'u' } as unknown as { id: string };
    expect(
      validateSendRequest({ recipient, messaging_type: 'RESPONSE', message: text }).map((p) => p.code),
    ).toEqual(['recipient_invalid']);
    expect(
      sendRequestSchema.safeParse({ recipient, messaging_type: 'RESPONSE', message: { text: 'x' } }).success,
    ).toBe(false);
  });

  it('prefixes message problems with message.', () => {
    const problems = validateSendRequest({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { type: 'text', text: '' },
    });
    expect(problems.map((p) => p.path)).toEqual(['message.text']);
  });

  it('refuses a message with two contents or unknown fields', () => {
    const base = { recipient: { id: PSID }, messaging_type: 'RESPONSE' };
    expect(sendRequestSchema.safeParse({ ...base, message: { text: 'x', sticker_id: 1 } }).success).toBe(
      false,
    );
    expect(sendRequestSchema.safeParse({ ...base, message: {} }).success).toBe(false);
    expect(
      sendRequestSchema.safeParse({ ...base, messagingType: 'RESPONSE', message: { text: 'x' } }).success,
    ).toBe(false);
    expect(sendRequestSchema.safeParse({ ...base, message: { sticker_id: 369239263222822 } }).success).toBe(
      true,
    );
  });
});
