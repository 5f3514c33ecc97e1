/** Per-request context of the gateway. */
export interface GatewayContext {
  requestId: string;
}
