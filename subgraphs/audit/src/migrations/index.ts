import { CreateAuditLog1764000000000 } from './1764000000000-create-audit-log.js';
import { CreateBreakGlass1764100000000 } from './1764100000000-create-break-glass.js';
import { CreateAuditChain1764200000000 } from './1764200000000-create-audit-chain.js';
import { CreateSecurity1764300000000 } from './1764300000000-create-security.js';
import { IndexAuditByActorTime1764400000000 } from './1764400000000-index-audit-by-actor-time.js';
import { SignChainHead1764500000000 } from './1764500000000-sign-chain-head.js';
import { AuditEntities1764600000000 } from './1764600000000-audit-entities.js';
import { WidenAuditColumns1764700000000 } from './1764700000000-widen-audit-columns.js';
import { AuditTreeHead1764800000000 } from './1764800000000-audit-tree-head.js';
import { AuditTreeChunks1764900000000 } from './1764900000000-audit-tree-chunks.js';
import { SealAccountReason1765000000000 } from './1765000000000-seal-account-reason.js';

/** In order; each runs once, recorded in schema_migrations. */
export const migrations = [
  CreateAuditLog1764000000000,
  CreateBreakGlass1764100000000,
  CreateAuditChain1764200000000,
  CreateSecurity1764300000000,
  IndexAuditByActorTime1764400000000,
  SignChainHead1764500000000,
  AuditEntities1764600000000,
  WidenAuditColumns1764700000000,
  AuditTreeHead1764800000000,
  AuditTreeChunks1764900000000,
  SealAccountReason1765000000000,
];
