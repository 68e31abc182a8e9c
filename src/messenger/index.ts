// Public API of the Meta wire-format module: webhook signature and parsing, Send API request
// building and validation, Graph error taxonomy. Pure code, no I/O.

export type {
  AdsContextData,
  CommentEvent,
  DeliveryEvent,
  EchoEvent,
  EditEvent,
  EventBase,
  HandoverEvent,
  InboundAttachment,
  InboundEvent,
  InboundEventKind,
  MessageEvent,
  NotificationOptin,
  OneTimeOptin,
  OptinEvent,
  PluginOptin,
  PolicyEnforcementEvent,
  PostbackEvent,
  ReactionEvent,
  ReadEvent,
  Referral,
  ReferralEvent,
  TemplateStatusEvent,
  UnknownEvent,
} from './events.ts';
export { PAGE_INBOX_APP_ID } from './events.ts';
export type {
  BusinessUseCaseEntry,
  BusinessUseCaseUsage,
  ClassifyOptions,
  GraphErrorRule,
  GraphFailure,
  GraphFailureAction,
  GraphFailureCategory,
  HeaderMap,
} from './graph-errors.ts';
export { classifyGraphError, GRAPH_ERROR_RULES, parseBusinessUseCaseUsage } from './graph-errors.ts';
export type { InboundWindowKind } from './inbound-kind.ts';
export { INBOUND_WINDOW_KINDS, inboundKindOf } from './inbound-kind.ts';
export type { WebhookParseResult } from './normalize.ts';
export { normalizeWebhook, parseWebhookBody } from './normalize.ts';
export type {
  Button,
  GenericElement,
  OutboundMessage,
  OutboundProblem,
  OutboundProblemCode,
  ProblemLanguage,
  QuickReply,
  UtilityParameter,
} from './outbound.ts';
export {
  OUTBOUND_PROBLEM_CODES,
  OUTBOUND_PROBLEM_MESSAGES,
  SEND_LIMITS,
  validateOutbound,
} from './outbound.ts';
export type {
  MarketingMessageBody,
  MarketingMessageInput,
  MessagingType,
  NotificationType,
  SenderAction,
  SenderActionBody,
  SendRecipient,
  SendRequestBody,
  SendRequestInput,
  WireButton,
  WireMessage,
  WireQuickReply,
  WireTemplatePayload,
  WireUtilityTemplate,
} from './send-request.ts';
export {
  buildMarketingMessageRequest,
  buildSenderAction,
  buildSendRequest,
  buildWireMessage,
  RECIPIENT_KEYS,
  validateSendRequest,
} from './send-request.ts';
export {
  marketingMessageRequestSchema,
  recipientSchema,
  sendRequestSchema,
  wireMessageSchema,
} from './send-schema.ts';
export type {
  SignatureFailureCode,
  SignatureHeaders,
  SignatureHeaderValue,
  SignatureResult,
} from './signature.ts';
export { signBody, verifySignature } from './signature.ts';
export type {
  WebhookEnvelopeError,
  WebhookEnvelopeErrorCode,
  WireChange,
  WireEntry,
  WireMessagingEvent,
  WireParty,
  WireWebhookBody,
} from './webhook-schema.ts';
export { checkEnvelope } from './webhook-schema.ts';
