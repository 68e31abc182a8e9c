/** Where each rule comes from. Ids match `reference/messenger-platform.md` section 14. */
const META = 'https://developers.facebook.com';

export const SOURCES = {
  'M-SEND': `${META}/documentation/business-messaging/messenger-platform/send-messages`,
  'M-SENDAPI': `${META}/docs/messenger-platform/reference/send-api`,
  'M-CHANGELOG': `${META}/documentation/business-messaging/messenger-platform`,
  'M-CL-ARCHIVE': `${META}/docs/messenger-platform/changelog/archive`,
  'M-POLICY-0911': `${META}/documentation/business-messaging/messenger-platform/policy/`,
  'M-POLICY-0926': `${META}/documentation/business-messaging/messenger-platform/policy/`,
  'M-PRIV': `${META}/documentation/business-messaging/messenger-platform/discovery/private-replies`,
  'M-RATE': `${META}/documentation/business-messaging/messenger-platform/overview/rate-limiting`,
  'M-UTIL': `${META}/documentation/business-messaging/messenger-platform/send-messages/utility-messages`,
  'M-MM-LEGACY': `${META}/docs/messenger-platform/marketing-messages`,
  'M-MM-FAQ': `${META}/docs/marketing-messages-on-messenger/faq`,
  'M-MMAPI': `${META}/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger`,
  'M-MMAPI-CL': `${META}/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/changelog`,
  'M-OTN': `${META}/docs/messenger-platform/send-messages/one-time-notification/`,
  'M-CFT': `${META}/docs/messenger-platform/send-messages/templates/customer-feedback-template`,
  'M-SPONS': `${META}/docs/messenger-platform/discovery/sponsored-messages/`,
  'GH-MCSDK': 'https://github.com/socheatsok78/manychat-block-sdk/blob/master/docs/MessageTags.md',
  'RUBYDOC-TAGS': 'https://rubydoc.info/gems/facebook-messenger/Facebook/Messenger/Bot/Tag',
  'CBB-SPONS': 'https://docs.chatbotbuilder.ai',
  'PM-NOTE': 'https://esiew.notion.site',
} as const;

export type SourceId = keyof typeof SOURCES;
