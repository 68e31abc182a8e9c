/**
 * Every Messenger rule Ventana knows, as dated data. A rule set is built from the records in force at a
 * date (see ruleset.ts); decide() reads only the merged parameters.
 *
 * Dates are days in UTC: a record is in force from 00:00:00.000 UTC of `from` until (excluding)
 * 00:00:00.000 UTC of `until`. Meta announces dates without a time zone; UTC midnight is our assumption.
 */
import type { Route } from '../types.ts';
import type { PolicyParams, TagRule } from './params.ts';
import type { SourceId } from './sources.ts';

type ObjectPatch<T> = T extends null ? never : Partial<NonNullable<T>>;

/** Changes a record makes to the parameters: objects are merged field by field, `null` switches a route off. */
export type RulePatch = {
  readonly [K in keyof PolicyParams]?: K extends 'tags'
    ? Readonly<Record<string, TagRule>>
    : ObjectPatch<PolicyParams[K]> | null;
};

export interface Localized {
  readonly en: string;
  readonly es: string;
}

export interface RuleRecord {
  readonly id: string;
  readonly from: string;
  readonly until?: string;
  readonly routes: readonly Route[];
  readonly title: Localized;
  readonly summary: Localized;
  readonly sources: readonly SourceId[];
  /** Set where the reference marks the rule UNCERTAIN: what Ventana assumes. Such records can be switched off. */
  readonly uncertain?: Localized;
  readonly set: RulePatch;
}

/** Before this date Ventana models no rules: the product brief starts with the 2020 reform. */
export const RULES_HORIZON = '2020-03-04';

const LEGACY_TAGS = [
  'COMMUNITY_ALERT',
  'CONFIRMED_EVENT_REMINDER',
  'PAIRING_UPDATE',
  'APPLICATION_UPDATE',
  'PAYMENT_UPDATE',
  'PERSONAL_FINANCE_UPDATE',
  'SHIPPING_UPDATE',
  'RESERVATION_UPDATE',
  'ISSUE_RESOLUTION',
  'APPOINTMENT_UPDATE',
  'GAME_EVENT',
  'TRANSPORTATION_UPDATE',
  'FEATURE_FUNCTIONALITY_UPDATE',
  'TICKET_UPDATE',
] as const;

const TAGS_2020 = ['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE'] as const;

function tagsWith(names: readonly string[], rule: TagRule): Record<string, TagRule> {
  return Object.fromEntries(names.map((n) => [n, rule]));
}

export const RULE_RECORDS: readonly RuleRecord[] = [
  {
    id: 'standard-window',
    from: RULES_HORIZON,
    routes: ['standard'],
    title: { en: 'Standard 24-hour messaging window', es: 'Ventana estándar de 24 horas' },
    summary: {
      en: 'Within 24 hours of the person’s last message, postback, quick reply, m.me referral, reaction, plugin opt-in or ad message, a Page may send anything, promotional included (RESPONSE or UPDATE). Marketing opt-ins, comments, deliveries, reads and echoes do not open it.',
      es: 'Durante las 24 horas siguientes al último mensaje, postback, respuesta rápida, referencia m.me, reacción, opt-in de plugin o mensaje desde anuncio de la persona, la Página puede enviar cualquier cosa, incluso promocional (RESPONSE o UPDATE). Los opt-in de marketing, comentarios, entregas, lecturas y ecos no la abren.',
    },
    sources: ['M-SEND', 'M-SENDAPI', 'M-POLICY-0911'],
    uncertain: {
      en: 'Reactions are listed as window-opening by the May 2026 send-messages page; earlier years are assumed the same. A comment is treated as giving one private reply only, not a window (the private-replies page says so; the send-messages page lists comments as opening it).',
      es: 'La página de envío de mensajes de mayo de 2026 dice que las reacciones abren la ventana; se asume lo mismo para años anteriores. Un comentario da derecho a una respuesta privada, no a una ventana (así lo dice la página de respuestas privadas; la de envío de mensajes lo contradice).',
    },
    set: {
      standardWindow: {
        hours: 24,
        opensOn: ['message', 'postback', 'quick_reply', 'referral', 'reaction', 'plugin_optin', 'ad_message'],
      },
      privateReply: { days: 7, perObject: 1, perHour: 750 },
      sponsoredMessages: { available: false },
    },
  },
  {
    id: 'legacy-tags-retired',
    from: RULES_HORIZON,
    routes: ['message_tag'],
    title: { en: 'Legacy message tags retired', es: 'Etiquetas de mensaje antiguas retiradas' },
    summary: {
      en: 'The 2019 reform took effect: SHIPPING_UPDATE, ISSUE_RESOLUTION, RESERVATION_UPDATE and the other legacy tags are refused; the “24+1” follow-up is gone.',
      es: 'Entra en vigor la reforma de 2019: SHIPPING_UPDATE, ISSUE_RESOLUTION, RESERVATION_UPDATE y las demás etiquetas antiguas se rechazan; desaparece el mensaje de seguimiento «24+1».',
    },
    sources: ['M-CL-ARCHIVE', 'RUBYDOC-TAGS'],
    set: {
      tags: tagsWith(LEGACY_TAGS, {
        status: 'deprecated',
        route: 'message_tag',
        windowDays: null,
        graphError: '100',
      }),
    },
  },
  {
    id: 'message-tags-2020',
    from: RULES_HORIZON,
    until: '2026-04-27',
    routes: ['message_tag'],
    title: { en: 'Message tags of the 2020 reform', es: 'Etiquetas de mensaje de la reforma de 2020' },
    summary: {
      en: 'Outside the window, non-promotional messages matching a use case may carry CONFIRMED_EVENT_UPDATE (events and appointments the person registered for), POST_PURCHASE_UPDATE (receipts, shipping, order issues) or ACCOUNT_UPDATE (non-recurring account changes, fraud alerts).',
      es: 'Fuera de la ventana, los mensajes no promocionales de un caso de uso permitido pueden llevar CONFIRMED_EVENT_UPDATE (eventos y citas a las que la persona se inscribió), POST_PURCHASE_UPDATE (recibos, envíos, incidencias del pedido) o ACCOUNT_UPDATE (cambios puntuales de cuenta, alertas de fraude).',
    },
    sources: ['GH-MCSDK', 'M-SEND'],
    set: { tags: tagsWith(TAGS_2020, { status: 'active', route: 'message_tag', windowDays: null }) },
  },
  {
    id: 'human-agent-beta',
    from: RULES_HORIZON,
    until: '2021-06-02',
    routes: ['human_agent'],
    title: { en: 'HUMAN_AGENT tag (beta)', es: 'Etiqueta HUMAN_AGENT (beta)' },
    summary: {
      en: 'A human (never a bot) may answer within 7 days of the person’s last message with the HUMAN_AGENT tag, if the Page was admitted to the beta.',
      es: 'Una persona (nunca un bot) puede responder hasta 7 días después del último mensaje con la etiqueta HUMAN_AGENT, si la Página fue admitida en la beta.',
    },
    sources: ['GH-MCSDK', 'M-SENDAPI'],
    set: {
      humanAgent: { days: 7, permission: 'human_agent', beta: true },
      tags: { HUMAN_AGENT: { status: 'active', route: 'human_agent', windowDays: 7 } },
    },
  },
  {
    id: 'human-agent-ga',
    from: '2021-06-02',
    routes: ['human_agent'],
    title: { en: 'HUMAN_AGENT tag for all developers', es: 'Etiqueta HUMAN_AGENT para todos' },
    summary: {
      en: 'Human Agent is generally available: a human may answer within 7 days with HUMAN_AGENT when the app holds the Human Agent permission (App Review).',
      es: 'Human Agent pasa a disponibilidad general: una persona puede responder hasta 7 días con HUMAN_AGENT si la app tiene el permiso Human Agent (revisión de la app).',
    },
    sources: ['M-CHANGELOG', 'M-SENDAPI'],
    set: {
      humanAgent: { days: 7, permission: 'human_agent', beta: false },
      tags: { HUMAN_AGENT: { status: 'active', route: 'human_agent', windowDays: 7 } },
    },
  },
  {
    id: 'customer-feedback-tag',
    from: RULES_HORIZON,
    routes: ['customer_feedback'],
    title: { en: 'CUSTOMER_FEEDBACK tag', es: 'Etiqueta CUSTOMER_FEEDBACK' },
    summary: {
      en: 'Within 7 days of the person’s last message, a survey may be sent with CUSTOMER_FEEDBACK, only as the Customer Feedback Template.',
      es: 'Hasta 7 días después del último mensaje se puede enviar una encuesta con CUSTOMER_FEEDBACK, solo como plantilla de opinión del cliente.',
    },
    sources: ['M-SENDAPI', 'M-CFT'],
    uncertain: {
      en: 'Still listed in the 2026 Send API reference and not in the April 2026 deprecation, but its template page says “in development”. Assumed usable; switch off with --disable customer-feedback-tag.',
      es: 'Sigue en la referencia de la Send API de 2026 y no está en la retirada de abril de 2026, pero su página dice «en desarrollo». Se asume utilizable; se desactiva con --disable customer-feedback-tag.',
    },
    set: { tags: { CUSTOMER_FEEDBACK: { status: 'active', route: 'customer_feedback', windowDays: 7 } } },
  },
  {
    id: 'private-replies',
    from: RULES_HORIZON,
    routes: ['private_reply'],
    title: {
      en: 'Private replies to comments and visitor posts',
      es: 'Respuestas privadas a comentarios y publicaciones',
    },
    summary: {
      en: 'One private message per comment or visitor post, within 7 days of its creation, at most 750 per hour per Page. A conversation starts only when the person answers.',
      es: 'Un mensaje privado por comentario o publicación de visitante, en los 7 días siguientes a su creación, como máximo 750 por hora y Página. La conversación empieza solo cuando la persona responde.',
    },
    sources: ['M-PRIV', 'M-RATE'],
    set: { privateReply: { days: 7, perObject: 1, perHour: 750 } },
  },
  {
    id: 'news-subscription',
    from: RULES_HORIZON,
    routes: ['news_subscription'],
    title: { en: 'News messaging (News Page Index)', es: 'Mensajes de noticias (News Page Index)' },
    summary: {
      en: 'Pages registered in the News Page Index may send news content outside the window with NON_PROMOTIONAL_SUBSCRIPTION; no offers, deals or branded content.',
      es: 'Las Páginas registradas en el News Page Index pueden enviar noticias fuera de la ventana con NON_PROMOTIONAL_SUBSCRIPTION; sin ofertas, promociones ni contenido de marca.',
    },
    sources: ['M-POLICY-0911', 'M-SEND'],
    set: {
      newsSubscription: { tag: 'NON_PROMOTIONAL_SUBSCRIPTION' },
      tags: {
        NON_PROMOTIONAL_SUBSCRIPTION: { status: 'active', route: 'news_subscription', windowDays: null },
      },
    },
  },
  {
    id: 'one-time-notification',
    from: '2020-02-04',
    routes: ['one_time_notification'],
    title: { en: 'One-Time Notification', es: 'Notificación única (One-Time Notification)' },
    summary: {
      en: 'After the person taps “Notify me”, the Page may send one message on that topic outside the window; the token is single-use and valid for one year.',
      es: 'Cuando la persona pulsa «Avisarme», la Página puede enviar un mensaje sobre ese tema fuera de la ventana; el token es de un solo uso y vale un año.',
    },
    sources: ['M-OTN', 'PM-NOTE', 'M-SEND'],
    uncertain: {
      en: 'Still documented in 2026 with no deprecation notice, but only under legacy pages; third parties say it does not work for EU or Japanese Pages. Assumed usable; switch off with --disable one-time-notification.',
      es: 'Sigue documentada en 2026 sin aviso de retirada, pero solo en páginas antiguas; terceros dicen que no funciona para Páginas de la UE o Japón. Se asume utilizable; se desactiva con --disable one-time-notification.',
    },
    set: { oneTimeNotification: { tokenValidityDays: 365 } },
  },
  {
    id: 'sponsored-messages',
    from: RULES_HORIZON,
    until: '2024-08-01',
    routes: ['sponsored_message'],
    title: { en: 'Sponsored Messages (paid)', es: 'Mensajes patrocinados (de pago)' },
    summary: {
      en: 'Paid ads delivered into existing threads, created in Ads Manager, never through the Send API.',
      es: 'Anuncios de pago entregados en conversaciones existentes, creados en el Administrador de anuncios, nunca por la Send API.',
    },
    sources: ['M-SPONS', 'CBB-SPONS'],
    uncertain: {
      en: 'Meta’s docs still describe them; third parties report removal from the API in May 2024 and the end of support in August 2024. Ventana assumes they ended on 2024-08-01.',
      es: 'La documentación de Meta aún los describe; terceros informan de su retirada de la API en mayo de 2024 y del fin del soporte en agosto de 2024. Ventana asume que terminaron el 2024-08-01.',
    },
    set: { sponsoredMessages: { available: true } },
  },
  {
    id: 'recurring-notifications',
    from: '2022-01-01',
    routes: ['legacy_notification'],
    title: {
      en: 'Recurring Notifications (token opt-ins)',
      es: 'Notificaciones recurrentes (opt-in con token)',
    },
    summary: {
      en: 'A person who opts in gives the Page a notification_messages_token; the Page may send one message per day to it outside the window, promotional included. Opting in does not open the window.',
      es: 'Quien se suscribe da a la Página un notification_messages_token; la Página puede enviarle un mensaje al día fuera de la ventana, incluso promocional. Suscribirse no abre la ventana.',
    },
    sources: ['M-MM-LEGACY'],
    uncertain: {
      en: 'Launched during 2022; the exact day was not confirmed, 2022-01-01 is assumed.',
      es: 'Se lanzó en 2022; no se confirmó el día exacto, se asume el 2022-01-01.',
    },
    set: { legacyNotifications: { cooldownHours: 24, onlyRecipientRegions: null } },
  },
  {
    id: 'notification-frequency-2023',
    from: '2023-02-02',
    routes: ['legacy_notification'],
    title: { en: 'Token frequency no longer chosen', es: 'La frecuencia del token ya no se elige' },
    summary: {
      en: 'notification_messages_frequency is deprecated for tokens created from this day: every new token is DAILY (one message per day, valid 6 months).',
      es: 'notification_messages_frequency queda obsoleto para los tokens creados desde este día: todo token nuevo es DAILY (un mensaje al día, válido 6 meses).',
    },
    sources: ['M-MM-LEGACY', 'M-CHANGELOG'],
    set: { legacyNotifications: { cooldownHours: 24 } },
  },
  {
    id: 'marketing-message-api',
    from: '2025-07-01',
    routes: ['marketing_message'],
    title: { en: 'Marketing Message API (paid)', es: 'API de mensajes de marketing (de pago)' },
    summary: {
      en: 'Promotional messages outside the window to subscribed people, paid per message, one per subscription token per 24 hours; recipients in the EU, Japan, South Korea, Australia and the UK cannot be reached.',
      es: 'Mensajes promocionales fuera de la ventana a personas suscritas, de pago por mensaje, uno por token de suscripción cada 24 horas; no llega a destinatarios de la UE, Japón, Corea del Sur, Australia ni Reino Unido.',
    },
    sources: ['M-MMAPI', 'M-MMAPI-CL'],
    set: {
      marketingMessages: {
        cooldownHours: 24,
        excludedRecipientRegions: ['EU', 'JP', 'KR', 'AU', 'UK'],
        businessRegions: [
          'AU',
          'BR',
          'CL',
          'CO',
          'HK',
          'IN',
          'ID',
          'IL',
          'MY',
          'MX',
          'NZ',
          'PE',
          'PH',
          'SA',
          'SG',
          'TW',
          'TH',
          'AE',
          'US',
          'VN',
        ],
      },
    },
  },
  {
    id: 'marketing-message-cooldown-12h',
    from: '2025-08-11',
    routes: ['marketing_message'],
    title: { en: 'Marketing messages: 12-hour spacing', es: 'Mensajes de marketing: 12 horas entre envíos' },
    summary: {
      en: 'One marketing message per subscription token every 12 hours (it was 24).',
      es: 'Un mensaje de marketing por token de suscripción cada 12 horas (antes 24).',
    },
    sources: ['M-MMAPI-CL'],
    set: { marketingMessages: { cooldownHours: 12 } },
  },
  {
    id: 'legacy-cooldown-48h',
    from: '2025-09-01',
    routes: ['legacy_notification'],
    title: {
      en: 'Recurring Notifications: 48-hour cool-down',
      es: 'Notificaciones recurrentes: 48 horas de espera',
    },
    summary: {
      en: 'One message per legacy token every 48 hours (it was one per day); no new integrations.',
      es: 'Un mensaje por token antiguo cada 48 horas (antes uno al día); no se admiten integraciones nuevas.',
    },
    sources: ['M-MM-LEGACY'],
    set: { legacyNotifications: { cooldownHours: 48 } },
  },
  {
    id: 'utility-messages',
    from: '2025-09-29',
    routes: ['utility'],
    title: { en: 'Utility message templates', es: 'Plantillas de mensajes de utilidad' },
    summary: {
      en: 'Approved Page templates for order, account and appointment updates may be sent outside the window with messaging_type UTILITY and the page_utility_messaging permission; no marketing content.',
      es: 'Las plantillas aprobadas de la Página para pedidos, cuentas y citas pueden enviarse fuera de la ventana con messaging_type UTILITY y el permiso page_utility_messaging; sin contenido de marketing.',
    },
    sources: ['M-UTIL', 'M-CHANGELOG'],
    uncertain: {
      en: 'Documented since at least 2025-09-29 (image headers); the start of availability is not confirmed. Sending outside 24 h is implied by the changelog (the replacement for the dead tags), not stated on the utility page.',
      es: 'Documentadas al menos desde el 2025-09-29 (cabeceras con imagen); no se confirmó el inicio. El envío fuera de las 24 h se deduce del registro de cambios (sustituyen a las etiquetas retiradas), la página de utilidad no lo dice.',
    },
    set: { utility: { permission: 'page_utility_messaging', categories: ['UTILITY'] } },
  },
  {
    id: 'recurring-notifications-regions-2026',
    from: '2026-02-10',
    routes: ['legacy_notification'],
    title: {
      en: 'Recurring Notifications end outside AU, EU, JP, KR and UK',
      es: 'Fin de las notificaciones recurrentes fuera de AU, UE, JP, KR y Reino Unido',
    },
    summary: {
      en: 'Legacy notification tokens work only for recipients in Australia, the EU, Japan, South Korea and the UK; elsewhere the API returns errors.',
      es: 'Los tokens de notificación antiguos solo funcionan con destinatarios de Australia, la UE, Japón, Corea del Sur y Reino Unido; en el resto la API devuelve errores.',
    },
    sources: ['M-MM-FAQ', 'M-MM-LEGACY'],
    uncertain: {
      en: 'Meta’s FAQ also says “deprecated on January 12, 2026”; the documented discontinuation date, 10 February 2026, is used.',
      es: 'Las preguntas frecuentes de Meta también dicen «12 de enero de 2026»; se usa la fecha documentada de cese, el 10 de febrero de 2026.',
    },
    set: { legacyNotifications: { onlyRecipientRegions: ['AU', 'EU', 'JP', 'KR', 'UK'] } },
  },
  {
    id: 'message-tags-retired-2026',
    from: '2026-04-27',
    routes: ['message_tag'],
    title: { en: 'Three message tags retired', es: 'Se retiran tres etiquetas de mensaje' },
    summary: {
      en: 'Any request carrying CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE or ACCOUNT_UPDATE fails with error 100. Use utility templates or marketing messages instead.',
      es: 'Toda petición con CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE o ACCOUNT_UPDATE falla con el error 100. En su lugar: plantillas de utilidad o mensajes de marketing.',
    },
    sources: ['M-CHANGELOG', 'M-SEND', 'M-SENDAPI'],
    set: {
      tags: tagsWith(TAGS_2020, {
        status: 'deprecated',
        route: 'message_tag',
        windowDays: null,
        graphError: '100',
      }),
    },
  },
  {
    id: 'ctm-window-7d',
    from: '2026-09-11',
    routes: ['standard'],
    title: {
      en: 'Click-to-Messenger ads: 7-day window',
      es: 'Anuncios Click-to-Messenger: ventana de 7 días',
    },
    summary: {
      en: 'After a person’s first message from a Click-to-Messenger ad, the window may last up to 7 days from that message.',
      es: 'Tras el primer mensaje de una persona desde un anuncio Click-to-Messenger, la ventana puede durar hasta 7 días desde ese mensaje.',
    },
    sources: ['M-POLICY-0911', 'M-POLICY-0926'],
    uncertain: {
      en: 'Only the first paragraph of the policy was readable; Ventana assumes the whole window (promotional included) lasts 7 days from the ad-started message, and that the policy applies from the day it was first seen (2026-09-11). Switch off with --disable ctm-window-7d.',
      es: 'Solo se pudo leer el primer párrafo de la política; Ventana asume que toda la ventana (promociones incluidas) dura 7 días desde el mensaje iniciado por el anuncio y que rige desde el día en que se vio por primera vez (2026-09-11). Se desactiva con --disable ctm-window-7d.',
    },
    set: { ctmWindow: { days: 7 } },
  },
];
