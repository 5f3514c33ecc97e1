import { z } from 'zod';

/**
 * How a sender of audit records (a data subgraph, the gateway) delivers them: every this many ms
 * its local journal is shipped to the audit subgraph as one batch (AUDIT_SHIP_INTERVAL_MS). 250 ms
 * gathers a few dozen requests into one commit while the access monitor still sees a bulk read
 * within a second; 0 makes every response wait for the audit subgraph's commit instead.
 */
export const AUDIT_SHIP_INTERVAL_MS = 250;

export const auditShipIntervalMs = z.coerce.number().int().min(0).max(5000).default(AUDIT_SHIP_INTERVAL_MS);
