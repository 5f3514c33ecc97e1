import type { GraphQLResolveInfo } from 'graphql';
import type { AuditEventRecord, BreakGlassGrantRecord, SecurityIncidentRecord, AccountStatusRecord } from '../entities/index.js';
import type { AuditContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** Whether an account may use the gateway. */
export type AccountStatus = {
  __typename?: 'AccountStatus';
  actorId: Scalars['String']['output'];
  changedAt: Scalars['String']['output'];
  changedBy: Scalars['String']['output'];
  disabled: Scalars['Boolean']['output'];
  reason: Scalars['String']['output'];
};

/** The audit log's integrity, as verifyAuditChain found it. */
export type AuditChainStatus = {
  __typename?: 'AuditChainStatus';
  checkedRecords: Scalars['Int']['output'];
  /** The first sequence number where the chain breaks; null when intact. */
  firstBrokenSequence?: Maybe<Scalars['Int']['output']>;
  intact: Scalars['Boolean']['output'];
  /** The latest head published outside the database that the log was compared with; null when none was. */
  publishedHead?: Maybe<Scalars['Int']['output']>;
};

/**
 * One request's access, in one subgraph, to one patient's records (or, with no patient, to an
 * operation). Built from what the subgraph returned. Names fields and ids, never values.
 */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** READ, CREATE, BREAK_GLASS, REVIEW or LOGOUT. */
  action: Scalars['String']['output'];
  actorId: Scalars['String']['output'];
  auditId: Scalars['String']['output'];
  /** Per row the event covers: its type and id, and what each of its fields carried. */
  entities: Array<EntityAccess>;
  entityId?: Maybe<Scalars['ID']['output']>;
  entityType?: Maybe<Scalars['String']['output']>;
  /** The union of the entities' fields, each with its most restrictive outcome. */
  fields: Array<FieldAccess>;
  id: Scalars['ID']['output'];
  occurredAt: Scalars['String']['output'];
  /** The most restrictive field outcome of the event. */
  outcome: Scalars['String']['output'];
  patientId?: Maybe<Scalars['ID']['output']>;
  /**
   * That this record is in the signed log: an RFC 6962 inclusion proof under the latest signed tree
   * head. Keep its document and check it offline with npm run audit:verify -- --proof FILE and the
   * log's public key; a record changed or removed later no longer matches it.
   */
  proof?: Maybe<AuditProof>;
  purpose?: Maybe<Scalars['String']['output']>;
  /** Position in the hash chain. */
  sequence: Scalars['Int']['output'];
  subgraph: Scalars['String']['output'];
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  nodes: Array<AuditEvent>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

/** A mutation's recorded state, decrypted for an authorised reader. */
export type AuditEventState = {
  __typename?: 'AuditEventState';
  after?: Maybe<Scalars['String']['output']>;
  /** JSON, or null when the event kept none. */
  before?: Maybe<Scalars['String']['output']>;
  eventId: Scalars['ID']['output'];
};

/**
 * A Merkle proof over the audit log. "document" is the whole proof as JSON: keep it, and check it
 * offline with npm run audit:verify -- --proof FILE (O(log n) hashes, the log's public key).
 */
export type AuditProof = {
  __typename?: 'AuditProof';
  document: Scalars['String']['output'];
  fromRoot?: Maybe<Scalars['String']['output']>;
  fromSize?: Maybe<Scalars['Int']['output']>;
  /** inclusion or consistency. */
  kind: Scalars['String']['output'];
  leafIndex?: Maybe<Scalars['Int']['output']>;
  path: Array<Scalars['String']['output']>;
  rootHash: Scalars['String']['output'];
  signature: Scalars['String']['output'];
  /** The signed tree head the proof ends at: its size, root (hex) and Ed25519 signature (base64). */
  treeSize: Scalars['Int']['output'];
};

/** An emergency-access grant and its review. */
export type BreakGlassGrant = {
  __typename?: 'BreakGlassGrant';
  actorId: Scalars['String']['output'];
  expiresAt: Scalars['String']['output'];
  grantedAt: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  outcome?: Maybe<Scalars['String']['output']>;
  patientId: Scalars['ID']['output'];
  /** BREAK_GLASS */
  purposeOfUse: Scalars['String']['output'];
  reason: Scalars['String']['output'];
  reviewComment?: Maybe<Scalars['String']['output']>;
  reviewedAt?: Maybe<Scalars['String']['output']>;
  reviewedBy?: Maybe<Scalars['String']['output']>;
  /** OPEN until an auditor reviews it, then REVIEWED. */
  status: Scalars['String']['output'];
};

export type BreakGlassGrantConnection = {
  __typename?: 'BreakGlassGrantConnection';
  nodes: Array<BreakGlassGrant>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

/**
 * One row an event covers. A field that came back null left nothing and is not listed; a field
 * refused (by the policy or the record scope) is DENIED, one that failed is ERROR.
 */
export type EntityAccess = {
  __typename?: 'EntityAccess';
  fields: Array<FieldAccess>;
  id: Scalars['ID']['output'];
  type: Scalars['String']['output'];
};

export type FieldAccess = {
  __typename?: 'FieldAccess';
  /** CLEAR, MASKED, DENIED or ERROR. */
  outcome: Scalars['String']['output'];
  /** Type.field, e.g. Patient.ssn. */
  path: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Emergency access to one patient outside the caller's care team, for a limited time. The reason
   * (at least 15 characters) is kept for review; the grant raises an alert and joins the review queue.
   */
  breakGlass: BreakGlassGrant;
  /** An admin re-enables an account the access monitor disabled (recorded in the audit trail). */
  enableAccount: AccountStatus;
  /** Ends the caller's session: the gateway refuses its token from now on. */
  logout: Scalars['Boolean']['output'];
  /** An auditor closes a grant: outcome JUSTIFIED or UNJUSTIFIED, with a comment. */
  reviewBreakGlass: BreakGlassGrant;
};


export type MutationBreakGlassArgs = {
  patientId: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationEnableAccountArgs = {
  actorId: Scalars['String']['input'];
  comment: Scalars['String']['input'];
};


export type MutationReviewBreakGlassArgs = {
  comment: Scalars['String']['input'];
  id: Scalars['ID']['input'];
  outcome: Scalars['String']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /**
   * For role patient: who accessed their own record, when, which fields, for what purpose
   * (the accounting of disclosures, 45 CFR 164.528). Newest first.
   */
  accessHistory: AuditEventConnection;
  /** For auditors: a proof that the signed log of toSize records (the latest) extends the log of fromSize. */
  auditConsistencyProof: AuditProof;
  /**
   * The sealed before/after state a mutation left in the audit trail, decrypted (JSON). Needs its
   * own permission, and reading it is itself recorded.
   */
  auditEventState?: Maybe<AuditEventState>;
  /** Access records, newest first, filtered by any combination of the arguments. */
  auditEvents: AuditEventConnection;
  /**
   * For auditors: a proof that one record is in the log under the latest signed tree head
   * (RFC 6962), to check offline with npm run audit:verify -- --proof FILE. Null for no such record.
   */
  auditInclusionProof?: Maybe<AuditProof>;
  /** Break-glass grants awaiting or past review, newest first (status: OPEN or REVIEWED). */
  breakGlassReviews: BreakGlassGrantConnection;
  /** Incidents raised by the access monitor, newest first. */
  securityIncidents: SecurityIncidentConnection;
  /** Recomputes the audit log's hash chain and checks its signed checkpoints. */
  verifyAuditChain: AuditChainStatus;
};


export type QueryAccessHistoryArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAuditConsistencyProofArgs = {
  fromSize: Scalars['Int']['input'];
  toSize: Scalars['Int']['input'];
};


export type QueryAuditEventStateArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAuditEventsArgs = {
  actorId?: InputMaybe<Scalars['ID']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  auditId?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['String']['input']>;
  outcome?: InputMaybe<Scalars['String']['input']>;
  patientId?: InputMaybe<Scalars['ID']['input']>;
  to?: InputMaybe<Scalars['String']['input']>;
};


export type QueryAuditInclusionProofArgs = {
  recordId: Scalars['ID']['input'];
};


export type QueryBreakGlassReviewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<Scalars['String']['input']>;
};


export type QuerySecurityIncidentsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Raised when a user touches far more patients in an hour than their own baseline. */
export type SecurityIncident = {
  __typename?: 'SecurityIncident';
  actorId: Scalars['String']['output'];
  baseline: Scalars['Int']['output'];
  createdAt: Scalars['String']['output'];
  distinctPatients: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** UNUSUAL_PHI_ACCESS */
  kind: Scalars['String']['output'];
  /** critical */
  severity: Scalars['String']['output'];
};

export type SecurityIncidentConnection = {
  __typename?: 'SecurityIncidentConnection';
  nodes: Array<SecurityIncident>;
  totalCount: Scalars['Int']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AccountStatus: ResolverTypeWrapper<AccountStatusRecord>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  AuditChainStatus: ResolverTypeWrapper<AuditChainStatus>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  AuditEvent: ResolverTypeWrapper<AuditEventRecord>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AuditEventConnection: ResolverTypeWrapper<Omit<AuditEventConnection, 'nodes'> & { nodes: Array<ResolversTypes['AuditEvent']> }>;
  AuditEventState: ResolverTypeWrapper<AuditEventState>;
  AuditProof: ResolverTypeWrapper<AuditProof>;
  BreakGlassGrant: ResolverTypeWrapper<BreakGlassGrantRecord>;
  BreakGlassGrantConnection: ResolverTypeWrapper<Omit<BreakGlassGrantConnection, 'nodes'> & { nodes: Array<ResolversTypes['BreakGlassGrant']> }>;
  EntityAccess: ResolverTypeWrapper<EntityAccess>;
  FieldAccess: ResolverTypeWrapper<FieldAccess>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SecurityIncident: ResolverTypeWrapper<SecurityIncidentRecord>;
  SecurityIncidentConnection: ResolverTypeWrapper<Omit<SecurityIncidentConnection, 'nodes'> & { nodes: Array<ResolversTypes['SecurityIncident']> }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AccountStatus: AccountStatusRecord;
  Boolean: Scalars['Boolean']['output'];
  AuditChainStatus: AuditChainStatus;
  Int: Scalars['Int']['output'];
  AuditEvent: AuditEventRecord;
  ID: Scalars['ID']['output'];
  AuditEventConnection: Omit<AuditEventConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['AuditEvent']> };
  AuditEventState: AuditEventState;
  AuditProof: AuditProof;
  BreakGlassGrant: BreakGlassGrantRecord;
  BreakGlassGrantConnection: Omit<BreakGlassGrantConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['BreakGlassGrant']> };
  EntityAccess: EntityAccess;
  FieldAccess: FieldAccess;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  SecurityIncident: SecurityIncidentRecord;
  SecurityIncidentConnection: Omit<SecurityIncidentConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['SecurityIncident']> };
  String: Scalars['String']['output'];
};

export type PhiDirectiveArgs = {
  as?: Maybe<Scalars['String']['input']>;
  category: Scalars['String']['input'];
  deid?: Maybe<Scalars['String']['input']>;
  from?: Maybe<Scalars['String']['input']>;
  mask?: Maybe<Scalars['String']['input']>;
};

export type PhiDirectiveResolver<Result, Parent, ContextType = AuditContext, Args = PhiDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AccountStatusResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AccountStatus'] = ResolversParentTypes['AccountStatus']> = {
  actorId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  changedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  changedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  disabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuditChainStatusResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditChainStatus'] = ResolversParentTypes['AuditChainStatus']> = {
  checkedRecords?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  firstBrokenSequence?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  intact?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  publishedHead?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type AuditEventResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditEvent'] = ResolversParentTypes['AuditEvent']> = {
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actorId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  auditId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  entities?: Resolver<Array<ResolversTypes['EntityAccess']>, ParentType, ContextType>;
  entityId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  entityType?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fields?: Resolver<Array<ResolversTypes['FieldAccess']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  occurredAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  patientId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  proof?: Resolver<Maybe<ResolversTypes['AuditProof']>, ParentType, ContextType>;
  purpose?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sequence?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  subgraph?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuditEventConnectionResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditEventConnection'] = ResolversParentTypes['AuditEventConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['AuditEvent']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AuditEventStateResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditEventState'] = ResolversParentTypes['AuditEventState']> = {
  after?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  before?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type AuditProofResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditProof'] = ResolversParentTypes['AuditProof']> = {
  document?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  fromRoot?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fromSize?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  leafIndex?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  path?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  rootHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  treeSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type BreakGlassGrantResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['BreakGlassGrant'] = ResolversParentTypes['BreakGlassGrant']> = {
  actorId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  grantedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  outcome?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  patientId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  purposeOfUse?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reviewComment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reviewedAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reviewedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type BreakGlassGrantConnectionResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['BreakGlassGrantConnection'] = ResolversParentTypes['BreakGlassGrantConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['BreakGlassGrant']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EntityAccessResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['EntityAccess'] = ResolversParentTypes['EntityAccess']> = {
  fields?: Resolver<Array<ResolversTypes['FieldAccess']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type FieldAccessResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['FieldAccess'] = ResolversParentTypes['FieldAccess']> = {
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  path?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  breakGlass?: Resolver<ResolversTypes['BreakGlassGrant'], ParentType, ContextType, RequireFields<MutationBreakGlassArgs, 'patientId' | 'reason'>>;
  enableAccount?: Resolver<ResolversTypes['AccountStatus'], ParentType, ContextType, RequireFields<MutationEnableAccountArgs, 'actorId' | 'comment'>>;
  logout?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  reviewBreakGlass?: Resolver<ResolversTypes['BreakGlassGrant'], ParentType, ContextType, RequireFields<MutationReviewBreakGlassArgs, 'comment' | 'id' | 'outcome'>>;
};

export type PageInfoResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  accessHistory?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, Partial<QueryAccessHistoryArgs>>;
  auditConsistencyProof?: Resolver<ResolversTypes['AuditProof'], ParentType, ContextType, RequireFields<QueryAuditConsistencyProofArgs, 'fromSize' | 'toSize'>>;
  auditEventState?: Resolver<Maybe<ResolversTypes['AuditEventState']>, ParentType, ContextType, RequireFields<QueryAuditEventStateArgs, 'id'>>;
  auditEvents?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, Partial<QueryAuditEventsArgs>>;
  auditInclusionProof?: Resolver<Maybe<ResolversTypes['AuditProof']>, ParentType, ContextType, RequireFields<QueryAuditInclusionProofArgs, 'recordId'>>;
  breakGlassReviews?: Resolver<ResolversTypes['BreakGlassGrantConnection'], ParentType, ContextType, Partial<QueryBreakGlassReviewsArgs>>;
  securityIncidents?: Resolver<ResolversTypes['SecurityIncidentConnection'], ParentType, ContextType, Partial<QuerySecurityIncidentsArgs>>;
  verifyAuditChain?: Resolver<ResolversTypes['AuditChainStatus'], ParentType, ContextType>;
};

export type SecurityIncidentResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['SecurityIncident'] = ResolversParentTypes['SecurityIncident']> = {
  actorId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  baseline?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  distinctPatients?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  severity?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SecurityIncidentConnectionResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['SecurityIncidentConnection'] = ResolversParentTypes['SecurityIncidentConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['SecurityIncident']>, ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type Resolvers<ContextType = AuditContext> = {
  AccountStatus?: AccountStatusResolvers<ContextType>;
  AuditChainStatus?: AuditChainStatusResolvers<ContextType>;
  AuditEvent?: AuditEventResolvers<ContextType>;
  AuditEventConnection?: AuditEventConnectionResolvers<ContextType>;
  AuditEventState?: AuditEventStateResolvers<ContextType>;
  AuditProof?: AuditProofResolvers<ContextType>;
  BreakGlassGrant?: BreakGlassGrantResolvers<ContextType>;
  BreakGlassGrantConnection?: BreakGlassGrantConnectionResolvers<ContextType>;
  EntityAccess?: EntityAccessResolvers<ContextType>;
  FieldAccess?: FieldAccessResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SecurityIncident?: SecurityIncidentResolvers<ContextType>;
  SecurityIncidentConnection?: SecurityIncidentConnectionResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = AuditContext> = {
  phi?: PhiDirectiveResolver<any, any, ContextType>;
};
