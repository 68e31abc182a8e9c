// Zod schemas of the request bodies Meta accepts, used by the Graph simulator to refuse what the
// real API would refuse (and a bit more: Ventana holds itself to the documented limits).

import { z } from 'zod';
import { SEND_LIMITS } from './outbound.ts';

const nonEmpty = z.string().min(1);
const httpUrl = z
  .string()
  .refine(
    (v) => (v.startsWith('https://') || v.startsWith('http://')) && URL.canParse(v),
    'must be an http(s) URL',
  );

/** `recipient`: exactly one identifier. */
export const recipientSchema = z.union([
  z.strictObject({ id: nonEmpty }),
  z.strictObject({ comment_id: nonEmpty }),
  z.strictObject({ post_id: nonEmpty }),
  z.strictObject({ user_ref: nonEmpty }),
  z.strictObject({ notification_messages_token: nonEmpty }),
  z.strictObject({ one_time_notif_token: nonEmpty }),
]);

const quickReplySchema = z
  .strictObject({
    content_type: z.enum(['text', 'user_phone_number', 'user_email']),
    title: z.string().max(SEND_LIMITS.quickReplyTitleMax).optional(),
    payload: z.union([z.string().max(SEND_LIMITS.payloadMax), z.number()]).optional(),
    image_url: httpUrl.optional(),
  })
  .superRefine((qr, ctx) => {
    if (qr.content_type !== 'text') return;
    if (qr.title === undefined || qr.title === '')
      ctx.addIssue({ code: 'custom', path: ['title'], message: 'required for text quick replies' });
    if (qr.payload === undefined || qr.payload === '')
      ctx.addIssue({ code: 'custom', path: ['payload'], message: 'required for text quick replies' });
  });

const buttonSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('web_url'),
    title: nonEmpty.max(SEND_LIMITS.buttonTitleMax),
    url: httpUrl,
    webview_height_ratio: z.enum(['compact', 'tall', 'full']).optional(),
    messenger_extensions: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('postback'),
    title: nonEmpty.max(SEND_LIMITS.buttonTitleMax),
    payload: nonEmpty.max(SEND_LIMITS.payloadMax),
  }),
]);

const templatePayloadSchema = z.discriminatedUnion('template_type', [
  z.strictObject({
    template_type: z.literal('button'),
    text: nonEmpty.max(SEND_LIMITS.buttonTemplateTextMax),
    buttons: z.array(buttonSchema).min(SEND_LIMITS.buttonsMin).max(SEND_LIMITS.buttonsMax),
  }),
  z.strictObject({
    template_type: z.literal('generic'),
    image_aspect_ratio: z.enum(['horizontal', 'square']).optional(),
    elements: z
      .array(
        z.strictObject({
          title: nonEmpty.max(SEND_LIMITS.elementTitleMax),
          subtitle: z.string().max(SEND_LIMITS.elementSubtitleMax).optional(),
          image_url: httpUrl.optional(),
          default_action: z
            .strictObject({
              type: z.literal('web_url'),
              url: httpUrl,
              webview_height_ratio: z.string().optional(),
            })
            .optional(),
          buttons: z.array(buttonSchema).max(SEND_LIMITS.buttonsMax).optional(),
        }),
      )
      .min(1)
      .max(SEND_LIMITS.genericElementsMax),
  }),
  z.strictObject({
    template_type: z.literal('notification_messages'),
    title: nonEmpty.max(SEND_LIMITS.optinTitleMax),
    payload: nonEmpty.max(SEND_LIMITS.payloadMax),
    image_url: httpUrl.optional(),
    notification_messages_timezone: z.string().optional(),
    notification_messages_cta_text: z.enum(['ALLOW', 'GET', 'GET_UPDATES', 'OPT_IN', 'SIGN_UP']).optional(),
    notification_messages_frequency: z.enum(['DAILY', 'WEEKLY', 'MONTHLY']).optional(),
    image_aspect_ratio: z.enum(['HORIZONTAL', 'SQUARE', 'VERTICAL']).optional(),
  }),
  z.strictObject({
    template_type: z.literal('one_time_notif_req'),
    title: nonEmpty.max(SEND_LIMITS.optinTitleMax),
    payload: nonEmpty.max(SEND_LIMITS.payloadMax),
  }),
]);

const mediaPayloadSchema = z.union([
  z.strictObject({ url: httpUrl, is_reusable: z.boolean().optional() }),
  z.strictObject({ attachment_id: nonEmpty }),
]);

const attachmentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('template'), payload: templatePayloadSchema }),
  z.strictObject({ type: z.enum(['image', 'audio', 'video', 'file']), payload: mediaPayloadSchema }),
]);

const utilityTemplateSchema = z.strictObject({
  name: nonEmpty,
  language: z.strictObject({ code: nonEmpty }),
  components: z
    .array(
      z.looseObject({
        type: nonEmpty,
        parameters: z
          .array(
            z.looseObject({
              type: nonEmpty,
              text: z.string().optional(),
              parameter_name: z.string().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

/** `message`: exactly one content (text, attachment, attachments, utility template or sticker). */
export const wireMessageSchema = z
  .strictObject({
    text: nonEmpty.max(SEND_LIMITS.textMaxExclusive - 1).optional(),
    attachment: attachmentSchema.optional(),
    attachments: z
      .array(z.strictObject({ type: z.literal('image'), payload: mediaPayloadSchema }))
      .min(1)
      .max(SEND_LIMITS.attachmentsMax)
      .optional(),
    template: utilityTemplateSchema.optional(),
    sticker_id: z.union([z.number().int(), nonEmpty]).optional(),
    quick_replies: z.array(quickReplySchema).min(1).max(SEND_LIMITS.quickRepliesMax).optional(),
    metadata: z
      .string()
      .max(SEND_LIMITS.metadataMaxExclusive - 1)
      .optional(),
  })
  .superRefine((m, ctx) => {
    const contents = [m.text, m.attachment, m.attachments, m.template, m.sticker_id].filter(
      (v) => v !== undefined,
    );
    if (contents.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'exactly one of text, attachment, attachments, template, sticker_id is required',
      });
    }
  });

const messageRequestSchema = z
  .strictObject({
    recipient: recipientSchema,
    messaging_type: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG', 'UTILITY']).optional(),
    tag: nonEmpty.optional(),
    message: wireMessageSchema,
    notification_type: z.enum(['REGULAR', 'SILENT_PUSH', 'NO_PUSH']).optional(),
    reply_to: z.strictObject({ mid: nonEmpty }).optional(),
    persona_id: nonEmpty.optional(),
    thread_control: z
      .strictObject({ control_type: z.enum(['pass', 'release']), app_id: nonEmpty })
      .optional(),
    access_token: z.string().optional(),
  })
  .superRefine((req, ctx) => {
    const r = req.recipient;
    const type = req.messaging_type;
    if ('notification_messages_token' in r && type !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['messaging_type'],
        message: 'not allowed with notification_messages_token',
      });
    }
    if (('id' in r || 'user_ref' in r) && type === undefined) {
      ctx.addIssue({ code: 'custom', path: ['messaging_type'], message: 'required for this recipient' });
    }
    if (type === 'MESSAGE_TAG' && req.tag === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'required with MESSAGE_TAG' });
    }
    if (type !== 'MESSAGE_TAG' && req.tag !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'only allowed with MESSAGE_TAG' });
    }
    if (type === 'UTILITY' && req.message.template === undefined) {
      ctx.addIssue({ code: 'custom', path: ['message', 'template'], message: 'required with UTILITY' });
    }
    if (req.message.template !== undefined && type !== undefined && type !== 'UTILITY') {
      ctx.addIssue({ code: 'custom', path: ['messaging_type'], message: 'a template needs UTILITY' });
    }
  });

const senderActionRequestSchema = z.strictObject({
  recipient: recipientSchema,
  sender_action: z.enum(['typing_on', 'typing_off', 'mark_seen']),
  access_token: z.string().optional(),
});

/**
 * A valid body for `POST /{version}/{PAGE_ID}/messages`: either a message request or a
 * sender-action request (never both). Encodes the rules Ventana holds itself to:
 * `messaging_type` required for PSID / `user_ref` recipients and forbidden for
 * `notification_messages_token`, `MESSAGE_TAG` ⇔ `tag`, `UTILITY` ⇔ `message.template`,
 * text < 2000, metadata < 1000, ≤ 13 quick replies, template limits.
 *
 * @example sendRequestSchema.safeParse(JSON.parse(body)).success
 */
export const sendRequestSchema = z.union([senderActionRequestSchema, messageRequestSchema]);

/** A valid body for `POST /{version}/act_<AD_ACCOUNT_ID>/messages` (Marketing Message API). */
export const marketingMessageRequestSchema = z.strictObject({
  message_id: nonEmpty,
  messenger_delivery_data: z.strictObject({ subscription_token: nonEmpty }),
  message: wireMessageSchema,
  min_conversation_gap_seconds: z.number().int().min(0).optional(),
  access_token: z.string().optional(),
});
