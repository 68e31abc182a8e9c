/**
 * Graph API error envelopes as Meta returns them: `{ error: { message, type, code, error_subcode,
 * fbtrace_id } }`. The simulator is an oracle of Meta's behaviour, so the texts and codes follow the
 * reference (messenger-platform.md §8), not Ventana's own taxonomy.
 */
import { randomBytes } from 'node:crypto';

export interface GraphErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly code: number;
    readonly error_subcode?: number;
    readonly is_transient?: boolean;
    readonly error_user_title?: string;
    readonly error_user_msg?: string;
    readonly fbtrace_id: string;
  };
}

/** An error before it gets its trace id: what rule checks and fault injection return. */
export interface GraphFailure {
  readonly status: number;
  readonly code: number;
  readonly subcode?: number;
  readonly message: string;
  readonly type?: string;
  readonly transient?: boolean;
}

export function fbtraceId(): string {
  return randomBytes(8).toString('base64url');
}

export function errorBody(f: GraphFailure): GraphErrorBody {
  return {
    error: {
      message: f.message,
      type: f.type ?? 'OAuthException',
      code: f.code,
      ...(f.subcode === undefined ? {} : { error_subcode: f.subcode }),
      ...(f.transient ? { is_transient: true } : {}),
      fbtrace_id: fbtraceId(),
    },
  };
}

/** `(#100)` invalid parameter, Meta's answer to any malformed request. */
export function invalidParam(message: string, subcode?: number): GraphFailure {
  return {
    status: 400,
    code: 100,
    message: `(#100) ${message}`,
    ...(subcode === undefined ? {} : { subcode }),
  };
}

export const outsideWindow: GraphFailure = {
  status: 400,
  code: 10,
  subcode: 2018278,
  message: '(#10) This message is sent outside of allowed window.',
};

export const personUnavailable: GraphFailure = {
  status: 400,
  code: 551,
  subcode: 1545041,
  message: "(#551) This person isn't available right now.",
};

export const pageRestricted: GraphFailure = {
  status: 400,
  code: 10,
  subcode: 1893063,
  message: '(#10) This Page is temporarily restricted from sending messages.',
};

export const sendRateLimited: GraphFailure = {
  status: 400,
  code: 613,
  subcode: 2534040,
  message: '(#613) Calls to this api have exceeded the rate limit.',
};

export const privateReplyRateLimited: GraphFailure = {
  status: 400,
  code: 613,
  message: '(#613) Calls to the private replies api have exceeded the rate limit (750 per hour).',
};

export const tokenExpired: GraphFailure = {
  status: 400,
  code: 190,
  subcode: 463,
  message: 'Error validating access token: Session has expired.',
};

export const invalidToken: GraphFailure = {
  status: 400,
  code: 190,
  message: 'Invalid OAuth access token - Cannot parse access token',
};

export const noSuchUser: GraphFailure = invalidParam('No matching user found', 2018001);

export function unknownObject(id: string): GraphFailure {
  return invalidParam(
    `Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
    33,
  );
}

export const serverError: GraphFailure = {
  status: 500,
  code: 2,
  message: 'An unexpected error has occurred. Please retry your request later.',
  transient: true,
};

export const serviceUnavailable: GraphFailure = {
  status: 503,
  code: 2,
  message: 'Service temporarily unavailable',
  transient: true,
};

export const marketingFrequency: GraphFailure = {
  status: 400,
  code: 4,
  subcode: 2018354,
  message: '(#4) This marketing message was sent before the allowed frequency for this subscription token.',
};

/** The weekly marketing-to-organic cap (reference §3.3): the text carries Meta's constant. */
export const marketingWeeklyCap: GraphFailure = {
  status: 400,
  code: 100,
  message:
    '(#100) WEEKLY_MM_LOAD_CAP_REACHED: this Page sent too many marketing messages compared with organic conversations this week.',
};

export function permissionDenied(message: string, code: 10 | 200 = 10): GraphFailure {
  return { status: 400, code, message: `(#${code}) ${message}` };
}
