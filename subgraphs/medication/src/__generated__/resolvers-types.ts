import type { GraphQLResolveInfo } from 'graphql';
import type { PatientRef, PractitionerRef } from '../references.js';
import type { MedicationRequestRecord } from '../entities/index.js';
import type { MedicationContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
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

export type CodeableConcept = {
  __typename?: 'CodeableConcept';
  code?: Maybe<Scalars['String']['output']>;
  display?: Maybe<Scalars['String']['output']>;
  system?: Maybe<Scalars['String']['output']>;
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

/** An order for a medication (FHIR MedicationRequest, simplified). */
export type MedicationRequest = {
  __typename?: 'MedicationRequest';
  /** YYYY-MM-DD. */
  authoredOn?: Maybe<Scalars['String']['output']>;
  dosageText?: Maybe<Scalars['String']['output']>;
  /** YYYY-MM-DD; null while open-ended. */
  endDate?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** RxNorm-style code and display name. */
  medication?: Maybe<CodeableConcept>;
  patient: Patient;
  prescriber?: Maybe<Practitioner>;
  /** active, completed, stopped, on-hold. */
  status?: Maybe<Scalars['String']['output']>;
};

/** The medication subgraph adds a patient's medication requests to Patient. */
export type Patient = {
  __typename?: 'Patient';
  id: Scalars['ID']['output'];
  /** Newest first. */
  medications: Array<MedicationRequest>;
};

/** Owned by the patient subgraph; referenced here by id only. */
export type Practitioner = {
  __typename?: 'Practitioner';
  id: Scalars['ID']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Medication requests counted by RxNorm code, small cells withheld (analysts). */
  medicationCounts: CountTable;
  /** One medication request by id; null when none exists. */
  medicationRequest?: Maybe<MedicationRequest>;
};


export type QueryMedicationRequestArgs = {
  id: Scalars['ID']['input'];
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
  MedicationRequest: MedicationRequest;
  Patient: Patient;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  MedicationRequest:
    ( { __typename: 'MedicationRequest' }
    & GraphQLRecursivePick<FederationTypes['MedicationRequest'], {"id":true}> );
  Patient:
    ( { __typename: 'Patient' }
    & GraphQLRecursivePick<FederationTypes['Patient'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  CodeableConcept: ResolverTypeWrapper<CodeableConcept>;
  CountCell: ResolverTypeWrapper<CountCell>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CountTable: ResolverTypeWrapper<CountTable>;
  MedicationRequest: ResolverTypeWrapper<MedicationRequestRecord>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Patient: ResolverTypeWrapper<PatientRef>;
  Practitioner: ResolverTypeWrapper<PractitionerRef>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  CodeableConcept: CodeableConcept;
  CountCell: CountCell;
  Int: Scalars['Int']['output'];
  Boolean: Scalars['Boolean']['output'];
  CountTable: CountTable;
  MedicationRequest: MedicationRequestRecord;
  ID: Scalars['ID']['output'];
  Patient: PatientRef;
  Practitioner: PractitionerRef;
  Query: Record<PropertyKey, never>;
  String: Scalars['String']['output'];
};

export type PhiDirectiveArgs = {
  as?: Maybe<Scalars['String']['input']>;
  category: Scalars['String']['input'];
  deid?: Maybe<Scalars['String']['input']>;
  from?: Maybe<Scalars['String']['input']>;
  mask?: Maybe<Scalars['String']['input']>;
};

export type PhiDirectiveResolver<Result, Parent, ContextType = MedicationContext, Args = PhiDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CodeableConceptResolvers<ContextType = MedicationContext, ParentType extends ResolversParentTypes['CodeableConcept'] = ResolversParentTypes['CodeableConcept']> = {
  code?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  display?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  system?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CountCellResolvers<ContextType = MedicationContext, ParentType extends ResolversParentTypes['CountCell'] = ResolversParentTypes['CountCell']> = {
  count?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  keys?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  suppressed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type CountTableResolvers<ContextType = MedicationContext, ParentType extends ResolversParentTypes['CountTable'] = ResolversParentTypes['CountTable']> = {
  cells?: Resolver<Array<ResolversTypes['CountCell']>, ParentType, ContextType>;
  dimension?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  dimensions?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  suppressedCells?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type MedicationRequestResolvers<ContextType = MedicationContext, ParentType extends ResolversParentTypes['MedicationRequest'] = ResolversParentTypes['MedicationRequest'], FederationReferenceType extends FederationReferenceTypes['MedicationRequest'] = FederationReferenceTypes['MedicationRequest']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['MedicationRequest']> | FederationReferenceType, FederationReferenceType, ContextType>;
  authoredOn?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  dosageText?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  endDate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  medication?: Resolver<Maybe<ResolversTypes['CodeableConcept']>, ParentType, ContextType>;
  patient?: Resolver<ResolversTypes['Patient'], ParentType, ContextType>;
  prescriber?: Resolver<Maybe<ResolversTypes['Practitioner']>, ParentType, ContextType>;
  status?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PatientResolvers<ContextType = MedicationContext, ParentType extends ResolversParentTypes['Patient'] = ResolversParentTypes['Patient'], FederationReferenceType extends FederationReferenceTypes['Patient'] = FederationReferenceTypes['Patient']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Patient']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  medications?: Resolver<Array<ResolversTypes['MedicationRequest']>, ParentType, ContextType>;
};

export type PractitionerResolvers<ContextType = MedicationContext, ParentType extends ResolversParentTypes['Practitioner'] = ResolversParentTypes['Practitioner']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = MedicationContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  medicationCounts?: Resolver<ResolversTypes['CountTable'], ParentType, ContextType>;
  medicationRequest?: Resolver<Maybe<ResolversTypes['MedicationRequest']>, ParentType, ContextType, RequireFields<QueryMedicationRequestArgs, 'id'>>;
};

export type Resolvers<ContextType = MedicationContext> = {
  CodeableConcept?: CodeableConceptResolvers<ContextType>;
  CountCell?: CountCellResolvers<ContextType>;
  CountTable?: CountTableResolvers<ContextType>;
  MedicationRequest?: MedicationRequestResolvers<ContextType>;
  Patient?: PatientResolvers<ContextType>;
  Practitioner?: PractitionerResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = MedicationContext> = {
  phi?: PhiDirectiveResolver<any, any, ContextType>;
};
