import type { GraphQLResolveInfo } from 'graphql';
import type { PatientRecord, PractitionerRecord, CareTeamMemberRecord, CoverageRecord } from '../entities/index.js';
import type { Identity } from '@ehr/common';
import type { PatientContext } from '../context.js';
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

export type Address = {
  __typename?: 'Address';
  city?: Maybe<Scalars['String']['output']>;
  line: Array<Scalars['String']['output']>;
  postalCode?: Maybe<Scalars['String']['output']>;
  state?: Maybe<Scalars['String']['output']>;
};

/** One practitioner's place on a patient's care team. */
export type CareTeamMember = {
  __typename?: 'CareTeamMember';
  period: Period;
  practitioner: Practitioner;
  /** attending, primary-nurse, consulting, ... */
  role: Scalars['String']['output'];
};

export type CountCell = {
  __typename?: 'CountCell';
  /** Never null: withheld cells are not listed. */
  count?: Maybe<Scalars['Int']['output']>;
  /** The keys joined by ' | '. */
  key: Scalars['String']['output'];
  /** The cell's value on each dimension, in the table's order. */
  keys: Array<Scalars['String']['output']>;
  /** Always false: a withheld cell is not listed, so that withheld and empty cells look the same. */
  suppressed: Scalars['Boolean']['output'];
};

/**
 * Aggregate counts with small-cell suppression: every count from 1 to 10 is withheld, and enough
 * other cells (or the total) that no withheld count can be recovered by subtraction.
 */
export type CountTable = {
  __typename?: 'CountTable';
  cells: Array<CountCell>;
  /** The dimensions joined by ' x '. */
  dimension: Scalars['String']['output'];
  dimensions: Array<Scalars['String']['output']>;
  /** Cells of the table not listed: withheld or empty, which the answer does not tell apart. */
  suppressedCells: Scalars['Int']['output'];
  /** null when it would reveal a withheld cell. */
  total?: Maybe<Scalars['Int']['output']>;
};

/** A health plan covering a patient (FHIR Coverage, simplified). */
export type Coverage = {
  __typename?: 'Coverage';
  groupNumber?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Health plan beneficiary number. */
  memberId?: Maybe<Scalars['String']['output']>;
  payer?: Maybe<Scalars['String']['output']>;
  period: Period;
  planName?: Maybe<Scalars['String']['output']>;
  /** active or cancelled. */
  status?: Maybe<Scalars['String']['output']>;
};

/**
 * The analyst's row-level view as released now: k-anonymous over birth (year or age band), gender
 * and geography (ZIP3 and state), by one generalisation for every record (full-domain, as ARX
 * does), records in classes still smaller than k suppressed (not listed).
 */
export type DeidentificationReport = {
  __typename?: 'DeidentificationReport';
  /** Prosecutor risk averaged over released records. */
  averageRisk: Scalars['Float']['output'];
  /** YEAR, FIVE_YEAR_AGE_BAND, TEN_YEAR_AGE_BAND or WITHHELD. */
  birth: Scalars['String']['output'];
  /** When this release was computed (ISO 8601); it is reused for DEID_RELEASE_TTL_MS. */
  computedAt: Scalars['String']['output'];
  equivalenceClasses: Scalars['Int']['output'];
  /** KEPT or WITHHELD. */
  gender: Scalars['String']['output'];
  /** Released records shown coarser than their finest Safe Harbor form. */
  generalisedRecords: Scalars['Int']['output'];
  generalisedShare: Scalars['Float']['output'];
  /** ZIP3 (and state), STATE or WITHHELD. */
  geography: Scalars['String']['output'];
  /** Prosecutor risk (1 / class size): the highest over released records. */
  highestRisk: Scalars['Float']['output'];
  /** The k required (DEID_K). */
  k: Scalars['Int']['output'];
  /** The smallest class released: the k achieved; null when nothing is released. */
  kAchieved?: Maybe<Scalars['Int']['output']>;
  /** Every patient. */
  records: Scalars['Int']['output'];
  releasedRecords: Scalars['Int']['output'];
  /** Left out of every analyst listing (classes smaller than k, and values that do not open). */
  suppressedRecords: Scalars['Int']['output'];
  suppressedShare: Scalars['Float']['output'];
};

export type HumanName = {
  __typename?: 'HumanName';
  family?: Maybe<Scalars['String']['output']>;
  given: Array<Scalars['String']['output']>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/**
 * A person receiving care. Owned here; the medication and notes subgraphs extend it. On the analyst
 * endpoint, id is a keyed pseudonym and birthYear, ageBand, gender and the address's state and zip3
 * come from the k-anonymous release (null where it generalises them away).
 */
export type Patient = {
  __typename?: 'Patient';
  address?: Maybe<Address>;
  /**
   * Age in ten-year bands (0-9, 10-19, ... 80-89); every age over 89 is 90+. On the analyst endpoint,
   * the age reached this year, in the release's bands (five or ten years wide; null when withheld).
   */
  ageBand?: Maybe<Scalars['String']['output']>;
  /** YYYY-MM-DD. */
  birthDate?: Maybe<Scalars['String']['output']>;
  /** Practitioners who treat this patient, with their role and period. */
  careTeam: Array<CareTeamMember>;
  /** Health plans that cover this patient. */
  coverage: Array<Coverage>;
  email?: Maybe<Scalars['String']['output']>;
  gender?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Medical record number. */
  mrn?: Maybe<Scalars['String']['output']>;
  name?: Maybe<HumanName>;
  phone?: Maybe<Scalars['String']['output']>;
  /** Social Security number (synthetic data uses the never-issued 9xx range). */
  ssn?: Maybe<Scalars['String']['output']>;
};

export type PatientConnection = {
  __typename?: 'PatientConnection';
  nodes: Array<Patient>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type Period = {
  __typename?: 'Period';
  end?: Maybe<Scalars['String']['output']>;
  start?: Maybe<Scalars['String']['output']>;
};

/** A clinician (physician or nurse). */
export type Practitioner = {
  __typename?: 'Practitioner';
  id: Scalars['ID']['output'];
  name?: Maybe<HumanName>;
  /** physician or nurse. */
  qualification?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /**
   * Patients counted by one dimension, or cross-tabulated by several, of GENDER, AGE_BAND, ZIP3 and
   * STATE (give dimension or dimensions). Small cells are withheld, with complementary suppression
   * over every table of these dimensions at once, so no two answers undo each other (analysts).
   */
  cohortCounts: CountTable;
  /**
   * How the analyst's row-level view is de-identified right now: k achieved, the generalisation,
   * the share of records generalised and suppressed, and the re-identification risk (analysts and
   * auditors).
   */
  deidentificationReport: DeidentificationReport;
  /**
   * The patients in the caller's scope whose SSN, phone or e-mail (exactly one of them) equals the
   * value given, normalised (digits of an SSN or phone; e-mail case and spaces), found through blind
   * indexes: none of these is stored or compared in the clear. Searching by a field needs the right
   * to read it unmasked. At most 50; matches outside the scope are left out, as from patients().
   */
  findPatients: Array<Patient>;
  /** Who the caller is, as the gateway verified them. */
  me: Viewer;
  /** One patient by id; null when no such patient exists. */
  patient?: Maybe<Patient>;
  /**
   * The patient with this medical record number (case and surrounding spaces ignored), found
   * through a blind index: MRNs are stored sealed and never compared in the clear. Null when no
   * patient has it; outside the caller's scope, the same answers as patient(id).
   */
  patientByMrn?: Maybe<Patient>;
  /**
   * Patients in id order, a page at a time (first: 1..100, default 20). On the analyst endpoint:
   * the k-anonymous release in pseudonym order (see deidentificationReport).
   */
  patients: PatientConnection;
  /** One practitioner by id; null when no such practitioner exists. */
  practitioner?: Maybe<Practitioner>;
};


export type QueryCohortCountsArgs = {
  dimension?: InputMaybe<Scalars['String']['input']>;
  dimensions?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type QueryFindPatientsArgs = {
  email?: InputMaybe<Scalars['String']['input']>;
  phone?: InputMaybe<Scalars['String']['input']>;
  ssn?: InputMaybe<Scalars['String']['input']>;
};


export type QueryPatientArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPatientByMrnArgs = {
  mrn: Scalars['String']['input'];
};


export type QueryPatientsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPractitionerArgs = {
  id: Scalars['ID']['input'];
};

/** The caller: identity, roles, and what scopes their access. */
export type Viewer = {
  __typename?: 'Viewer';
  /** Patients reachable through an active break-glass grant. */
  breakGlassPatientIds: Array<Scalars['ID']['output']>;
  /** For role patient: their own record. */
  patientId?: Maybe<Scalars['ID']['output']>;
  /** For clinicians: the practitioner whose care team scopes them. */
  practitioner?: Maybe<Practitioner>;
  /** TREATMENT, BREAK_GLASS, PAYMENT, OPERATIONS or PATIENT_ACCESS. */
  purposeOfUse: Scalars['String']['output'];
  roles: Array<Scalars['String']['output']>;
  sub: Scalars['String']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

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

/** Mapping of federation types */
export type FederationTypes = {
  Patient: Patient;
  Practitioner: Practitioner;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Patient:
    ( { __typename: 'Patient' }
    & GraphQLRecursivePick<FederationTypes['Patient'], {"id":true}> );
  Practitioner:
    ( { __typename: 'Practitioner' }
    & GraphQLRecursivePick<FederationTypes['Practitioner'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Address: ResolverTypeWrapper<Address>;
  CareTeamMember: ResolverTypeWrapper<CareTeamMemberRecord>;
  CountCell: ResolverTypeWrapper<CountCell>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CountTable: ResolverTypeWrapper<CountTable>;
  Coverage: ResolverTypeWrapper<CoverageRecord>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  DeidentificationReport: ResolverTypeWrapper<DeidentificationReport>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  HumanName: ResolverTypeWrapper<HumanName>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Patient: ResolverTypeWrapper<PatientRecord>;
  PatientConnection: ResolverTypeWrapper<Omit<PatientConnection, 'nodes'> & { nodes: Array<ResolversTypes['Patient']> }>;
  Period: ResolverTypeWrapper<Period>;
  Practitioner: ResolverTypeWrapper<PractitionerRecord>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Viewer: ResolverTypeWrapper<Identity>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Address: Address;
  CareTeamMember: CareTeamMemberRecord;
  CountCell: CountCell;
  Int: Scalars['Int']['output'];
  Boolean: Scalars['Boolean']['output'];
  CountTable: CountTable;
  Coverage: CoverageRecord;
  ID: Scalars['ID']['output'];
  DeidentificationReport: DeidentificationReport;
  Float: Scalars['Float']['output'];
  HumanName: HumanName;
  PageInfo: PageInfo;
  Patient: PatientRecord;
  PatientConnection: Omit<PatientConnection, 'nodes'> & { nodes: Array<ResolversParentTypes['Patient']> };
  Period: Period;
  Practitioner: PractitionerRecord;
  Query: Record<PropertyKey, never>;
  Viewer: Identity;
  String: Scalars['String']['output'];
};

export type PhiDirectiveArgs = {
  as?: Maybe<Scalars['String']['input']>;
  category: Scalars['String']['input'];
  deid?: Maybe<Scalars['String']['input']>;
  from?: Maybe<Scalars['String']['input']>;
  mask?: Maybe<Scalars['String']['input']>;
};

export type PhiDirectiveResolver<Result, Parent, ContextType = PatientContext, Args = PhiDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AddressResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address']> = {
  city?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  line?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  state?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CareTeamMemberResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['CareTeamMember'] = ResolversParentTypes['CareTeamMember']> = {
  period?: Resolver<ResolversTypes['Period'], ParentType, ContextType>;
  practitioner?: Resolver<ResolversTypes['Practitioner'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CountCellResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['CountCell'] = ResolversParentTypes['CountCell']> = {
  count?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  keys?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  suppressed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type CountTableResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['CountTable'] = ResolversParentTypes['CountTable']> = {
  cells?: Resolver<Array<ResolversTypes['CountCell']>, ParentType, ContextType>;
  dimension?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  dimensions?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  suppressedCells?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type CoverageResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['Coverage'] = ResolversParentTypes['Coverage']> = {
  groupNumber?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  memberId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  payer?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  period?: Resolver<ResolversTypes['Period'], ParentType, ContextType>;
  planName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type DeidentificationReportResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['DeidentificationReport'] = ResolversParentTypes['DeidentificationReport']> = {
  averageRisk?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  birth?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  computedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  equivalenceClasses?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  gender?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  generalisedRecords?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  generalisedShare?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  geography?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  highestRisk?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  k?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  kAchieved?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  records?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  releasedRecords?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  suppressedRecords?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  suppressedShare?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type HumanNameResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['HumanName'] = ResolversParentTypes['HumanName']> = {
  family?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  given?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type PatientResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['Patient'] = ResolversParentTypes['Patient'], FederationReferenceType extends FederationReferenceTypes['Patient'] = FederationReferenceTypes['Patient']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Patient']> | FederationReferenceType, FederationReferenceType, ContextType>;
  address?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  ageBand?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  birthDate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  careTeam?: Resolver<Array<ResolversTypes['CareTeamMember']>, ParentType, ContextType>;
  coverage?: Resolver<Array<ResolversTypes['Coverage']>, ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  gender?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  mrn?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['HumanName']>, ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ssn?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PatientConnectionResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['PatientConnection'] = ResolversParentTypes['PatientConnection']> = {
  nodes?: Resolver<Array<ResolversTypes['Patient']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PeriodResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['Period'] = ResolversParentTypes['Period']> = {
  end?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  start?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PractitionerResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['Practitioner'] = ResolversParentTypes['Practitioner'], FederationReferenceType extends FederationReferenceTypes['Practitioner'] = FederationReferenceTypes['Practitioner']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Practitioner']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['HumanName']>, ParentType, ContextType>;
  qualification?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  cohortCounts?: Resolver<ResolversTypes['CountTable'], ParentType, ContextType, Partial<QueryCohortCountsArgs>>;
  deidentificationReport?: Resolver<ResolversTypes['DeidentificationReport'], ParentType, ContextType>;
  findPatients?: Resolver<Array<ResolversTypes['Patient']>, ParentType, ContextType, Partial<QueryFindPatientsArgs>>;
  me?: Resolver<ResolversTypes['Viewer'], ParentType, ContextType>;
  patient?: Resolver<Maybe<ResolversTypes['Patient']>, ParentType, ContextType, RequireFields<QueryPatientArgs, 'id'>>;
  patientByMrn?: Resolver<Maybe<ResolversTypes['Patient']>, ParentType, ContextType, RequireFields<QueryPatientByMrnArgs, 'mrn'>>;
  patients?: Resolver<ResolversTypes['PatientConnection'], ParentType, ContextType, Partial<QueryPatientsArgs>>;
  practitioner?: Resolver<Maybe<ResolversTypes['Practitioner']>, ParentType, ContextType, RequireFields<QueryPractitionerArgs, 'id'>>;
};

export type ViewerResolvers<ContextType = PatientContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = {
  breakGlassPatientIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  patientId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  practitioner?: Resolver<Maybe<ResolversTypes['Practitioner']>, ParentType, ContextType>;
  purposeOfUse?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  sub?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = PatientContext> = {
  Address?: AddressResolvers<ContextType>;
  CareTeamMember?: CareTeamMemberResolvers<ContextType>;
  CountCell?: CountCellResolvers<ContextType>;
  CountTable?: CountTableResolvers<ContextType>;
  Coverage?: CoverageResolvers<ContextType>;
  DeidentificationReport?: DeidentificationReportResolvers<ContextType>;
  HumanName?: HumanNameResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Patient?: PatientResolvers<ContextType>;
  PatientConnection?: PatientConnectionResolvers<ContextType>;
  Period?: PeriodResolvers<ContextType>;
  Practitioner?: PractitionerResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = PatientContext> = {
  phi?: PhiDirectiveResolver<any, any, ContextType>;
};
