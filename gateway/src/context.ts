import type { Identity } from '@ehr/common';

/** Per-request context of the gateway: the verified identity (internal tokens are minted per subgraph fetch). */
export interface GatewayContext {
  requestId: string;
  identity: Identity;
  /** Records a refusal of this request (an operation that never ran) in the audit trail. */
  refused?: (code: string) => void;
  /** What the patient subgraph said of the de-identified release this response was cut from. */
  deidentification?: unknown;
}
