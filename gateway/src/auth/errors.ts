/** A refused request at the HTTP layer: status, OAuth error code, and a description safe to show. */
export class AuthError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 429,
    readonly code:
      | 'UNAUTHENTICATED'
      | 'SESSION_EXPIRED'
      | 'FORBIDDEN'
      | 'BAD_REQUEST'
      | 'AUDIT_TRAIL_REQUIRED'
      | 'ACCOUNT_DISABLED'
      | 'RATE_LIMITED',
    message: string,
    /** RFC 6750 error for WWW-Authenticate on 401s. */
    readonly oauthError: 'invalid_request' | 'invalid_token' = 'invalid_token',
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
