import type { RequestInfo } from '@ehr/common';
import type { DataSource } from 'typeorm';
import { AuditRepository } from './repository.js';

/** Per-request context of the audit subgraph. */
export interface AuditContext {
  requestId: string;
  repo: AuditRepository;
}

export function createContextFactory(db: DataSource) {
  const repo = new AuditRepository(db);
  return (info: RequestInfo): AuditContext => ({ requestId: info.requestId, repo });
}
