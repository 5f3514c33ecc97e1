import { RequestRefused, type ErrorCode } from '@ehr/common';

/** The codes the front door refuses with (all from the shared catalogue, which sets the status). */
export type AuthErrorCode = Extract<
  ErrorCode,
  | 'UNAUTHENTICATED'
  | 'SESSION_EXPIRED'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'AUDIT_TRAIL_REQUIRED'
  | 'ACCOUNT_DISABLED'
  | 'RATE_LIMITED'
>;

/** A request refused at the front door: a catalogue code, and an RFC 6750 error for 401s. */
export class AuthError extends RequestRefused {
  constructor(
    override readonly code: AuthErrorCode,
    message: string,
    /** RFC 6750 error for WWW-Authenticate on 401s. */
    readonly oauthError: 'invalid_request' | 'invalid_token' = 'invalid_token',
  ) {
    super(code, message);
    this.name = 'AuthError';
  }
}
