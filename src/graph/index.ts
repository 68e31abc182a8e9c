/** Public entry of the Graph API adapter: client, per-Page send budgets and retry timing. */
export {
  type BackoffOptions,
  backoffDelay,
  type InCallRetryOptions,
  retryDelay,
  retryInCall,
} from './backoff.ts';
export {
  createGraphClient,
  type GraphClient,
  type GraphClientOptions,
  type MarketingMessageResponse,
  type MessageTemplateCreated,
  type MessageTemplateInfo,
  type MessageTemplateInput,
  type MessengerProfile,
  type MessengerProfileField,
  type PageInfo,
  type ProfileWriteResponse,
  redactToken,
  type SendMessageResponse,
  type SubscribedApp,
  type SuccessResponse,
  type ThreadOwner,
  type TokenInfo,
  type UserProfile,
} from './client.ts';
export {
  createMemorySendRateLimiter,
  createRedisSendRateLimiter,
  META_SEND_BUDGETS,
  planSlices,
  type RedisSendRateLimiterOptions,
  type SendBudget,
  type SendKind,
  type SendRateLimiter,
  type SendRateLimiterOptions,
  type SlicePlan,
  type SlowDownOptions,
  sendKindOf,
} from './rate-limiter.ts';
export type { GraphError, GraphOutcome, GraphResult, GraphSuccess } from './result.ts';
