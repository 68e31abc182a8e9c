// Normalised inbound webhook events: one flat discriminated union on `kind`, produced by normalize.ts.

/** Fields every normalised event carries. */
export interface EventBase {
  /** The Page the event belongs to (`entry[].id`). */
  readonly pageId: string;
  /** The PSID of the sender, or the `user_ref` when the sender is only known by one; null when absent. */
  readonly senderId: string | null;
  /** True when `senderId` is a Checkbox/Login-Connect `user_ref`, not a PSID. */
  readonly senderIsUserRef: boolean;
  /** `recipient.id` (the Page for inbound events, the person for echoes); null when absent. */
  readonly recipientId: string | null;
  /**
   * The person on the other side of the conversation: the recipient for echoes, the sender for
   * everything else, the commenter for feed comments. Null when the event concerns no person.
   */
  readonly contactId: string | null;
  /** Epoch milliseconds (seconds and numeric strings are converted); 0 when the event has none. */
  readonly timestamp: number;
  /** True when the event came from `entry[].standby[]` (another app owns the thread). */
  readonly standby: boolean;
  /** Key to deduplicate redeliveries: the mid where it identifies the event, else a short sha256. */
  readonly dedupeKey: string;
  /** The original messaging (or change) object, untouched. */
  readonly raw: unknown;
}

/** An attachment on an inbound message or echo. */
export interface InboundAttachment {
  /** `image`, `audio`, `video`, `file`, `sticker`, `reel`, `ig_reel`, `post`, `template`, `fallback`… (opaque). */
  readonly type: string;
  readonly url: string | null;
  readonly title: string | null;
  readonly stickerId: string | null;
}

/** `ads_context_data` of an ad referral. */
export interface AdsContextData {
  readonly adTitle: string | null;
  readonly photoUrl: string | null;
  readonly videoUrl: string | null;
  readonly postId: string | null;
  readonly productId: string | null;
  readonly flowId: string | null;
}

/** A referral as found in `referral` events, `postback.referral` and `message.referral`. */
export interface Referral {
  readonly ref: string | null;
  /** `SHORTLINK`, `ADS`, or a legacy value: treat as opaque. */
  readonly source: string | null;
  readonly type: string | null;
  readonly adId: string | null;
  readonly adsContextData: AdsContextData | null;
  readonly refererUri: string | null;
  /** `product.id` of a Shops referral. */
  readonly productId: string | null;
}

/** A message the person sent to the Page. */
export interface MessageEvent extends EventBase {
  readonly kind: 'message';
  readonly mid: string | null;
  readonly text: string | null;
  /** Payload of the tapped quick reply, when the message is a quick-reply tap. */
  readonly quickReplyPayload: string | null;
  readonly attachments: readonly InboundAttachment[];
  readonly replyToMid: string | null;
  /** Ads or Shops referral carried inside the message (first message after a CTM ad). */
  readonly referral: Referral | null;
  /** Names of the Messenger commands used (`commands[].name`). */
  readonly commands: readonly string[];
}

/** A copy of a message the Page sent (by any app, or by a person in Page Inbox). */
export interface EchoEvent extends EventBase {
  readonly kind: 'echo';
  readonly mid: string | null;
  readonly text: string | null;
  /** The sending app's id; null when Meta did not say. */
  readonly appId: string | null;
  /** True when a person replied from Meta's Page Inbox (app 263902037430900). */
  readonly fromPageInbox: boolean;
  readonly metadata: string | null;
  readonly attachments: readonly InboundAttachment[];
}

/** A tap on a postback button, Get Started or a persistent-menu item. */
export interface PostbackEvent extends EventBase {
  readonly kind: 'postback';
  readonly mid: string | null;
  readonly title: string | null;
  readonly payload: string | null;
  readonly referral: Referral | null;
}

/** An m.me / ad / QR referral into an existing thread. */
export interface ReferralEvent extends EventBase, Referral {
  readonly kind: 'referral';
}

/** Recurring-notification / Marketing Messages opt-in (or its STOP/RESUME change). */
export interface NotificationOptin {
  readonly type: 'notification_messages';
  readonly token: string | null;
  readonly timezone: string | null;
  /** Epoch ms. */
  readonly tokenExpiresAt: number | null;
  /** `REFRESHED` / `NOT_REFRESHED`. */
  readonly userTokenStatus: string | null;
  /** Present only when the person stopped or resumed notifications. */
  readonly notificationMessagesStatus: 'STOP' | 'RESUME' | null;
  readonly title: string | null;
  readonly payload: string | null;
}

/** One-Time Notification opt-in ("Notify Me"). */
export interface OneTimeOptin {
  readonly type: 'one_time_notif_req';
  readonly token: string | null;
  readonly payload: string | null;
}

/** Send-to-Messenger (`ref`) or Checkbox (`user_ref`) plugin opt-in. */
export interface PluginOptin {
  readonly type: 'plugin';
  readonly ref: string | null;
  readonly userRef: string | null;
}

/** A `messaging_optins` event. */
export interface OptinEvent extends EventBase {
  readonly kind: 'optin';
  readonly optin: NotificationOptin | OneTimeOptin | PluginOptin;
}

/** Messages delivered up to `watermark`. */
export interface DeliveryEvent extends EventBase {
  readonly kind: 'delivery';
  readonly mids: readonly string[];
  /** Epoch ms. */
  readonly watermark: number | null;
}

/** Messages read up to `watermark`. */
export interface ReadEvent extends EventBase {
  readonly kind: 'read';
  /** Epoch ms. */
  readonly watermark: number | null;
}

/** A reaction to (or removal of a reaction from) a message. */
export interface ReactionEvent extends EventBase {
  readonly kind: 'reaction';
  readonly mid: string | null;
  /** `smile`, `angry`, `sad`, `wow`, `love`, `like`, `dislike`, `other`. */
  readonly reaction: string | null;
  readonly emoji: string | null;
  readonly action: 'react' | 'unreact' | null;
}

/** A person edited a message they sent. */
export interface EditEvent extends EventBase {
  readonly kind: 'edit';
  readonly mid: string | null;
  readonly text: string | null;
  readonly numEdit: number | null;
}

/** A Handover / Conversation Routing event. */
export interface HandoverEvent extends EventBase {
  readonly kind: 'handover';
  readonly action: 'pass' | 'take' | 'request' | 'app_roles';
  readonly previousOwnerAppId: string | null;
  readonly newOwnerAppId: string | null;
  readonly requestedOwnerAppId: string | null;
  readonly metadata: string | null;
  /** For `app_roles`: app id → roles. */
  readonly appRoles: Readonly<Record<string, readonly string[]>> | null;
}

/** Meta warned, blocked or unblocked the Page's messaging. */
export interface PolicyEnforcementEvent extends EventBase {
  readonly kind: 'policy_enforcement';
  readonly action: 'warning' | 'block' | 'unblock' | null;
  readonly reason: string | null;
}

/** A comment or visitor post on the Page feed (source of private replies). */
export interface CommentEvent extends EventBase {
  readonly kind: 'comment';
  readonly item: 'comment' | 'post';
  readonly verb: 'add' | 'edited' | 'remove' | null;
  readonly commentId: string | null;
  readonly postId: string | null;
  readonly parentId: string | null;
  readonly fromId: string | null;
  readonly fromName: string | null;
  readonly message: string | null;
  /** Epoch ms. */
  readonly createdTime: number | null;
}

/** A utility-template review outcome (`messenger_template_status_update`). */
export interface TemplateStatusEvent extends EventBase {
  readonly kind: 'template_status';
  /** `APPROVED`, `REJECTED`, `PENDING`, `DISABLED`, `PAUSED`… */
  readonly event: string | null;
  readonly templateId: string | null;
  readonly templateName: string | null;
  readonly language: string | null;
  readonly reason: string | null;
}

/** Anything we do not understand; kept so nothing Meta sent is lost. */
export interface UnknownEvent extends EventBase {
  readonly kind: 'unknown';
  /** Where it came from: `messaging`, `standby`, or `changes:<field>`. */
  readonly source: string;
}

/** Every normalised inbound webhook event. */
export type InboundEvent =
  | MessageEvent
  | EchoEvent
  | PostbackEvent
  | ReferralEvent
  | OptinEvent
  | DeliveryEvent
  | ReadEvent
  | ReactionEvent
  | EditEvent
  | HandoverEvent
  | PolicyEnforcementEvent
  | CommentEvent
  | TemplateStatusEvent
  | UnknownEvent;

/** The `kind` values of {@link InboundEvent}. */
export type InboundEventKind = InboundEvent['kind'];

/** Meta's Page Inbox app id: echoes from it are human replies from Meta Business Suite. */
export const PAGE_INBOX_APP_ID = '263902037430900';
