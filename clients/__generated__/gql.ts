/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query CareTeamList($first: Int, $after: String) {\n  patients(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name {\n        family\n      }\n      birthDate\n    }\n  }\n}": typeof types.CareTeamListDocument,
    "mutation Logout {\n  logout\n}": typeof types.LogoutDocument,
    "query Me {\n  me {\n    sub\n    roles\n    patientId\n    purposeOfUse\n  }\n}": typeof types.MeDocument,
    "query MyMedications($patientId: ID!) {\n  patient(id: $patientId) {\n    id\n    medications {\n      id\n      medication {\n        code\n        display\n      }\n      status\n      dosageText\n      authoredOn\n      endDate\n    }\n  }\n}": typeof types.MyMedicationsDocument,
    "query ClinicianChart($id: ID!) {\n  patient(id: $id) {\n    id\n    name {\n      given\n      family\n    }\n    birthDate\n    gender\n    ssn\n    phone\n    address {\n      city\n      state\n    }\n    medications {\n      id\n      medication {\n        code\n        display\n      }\n      status\n      authoredOn\n    }\n    notes {\n      id\n      type\n      authoredAt\n      text\n    }\n  }\n}": typeof types.ClinicianChartDocument,
    "mutation AddProgressNote($patientId: ID!, $text: String!) {\n  createClinicalNote(patientId: $patientId, type: \"progress\", text: $text) {\n    id\n    type\n    authoredAt\n  }\n}": typeof types.AddProgressNoteDocument,
};
const documents: Documents = {
    "query CareTeamList($first: Int, $after: String) {\n  patients(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name {\n        family\n      }\n      birthDate\n    }\n  }\n}": types.CareTeamListDocument,
    "mutation Logout {\n  logout\n}": types.LogoutDocument,
    "query Me {\n  me {\n    sub\n    roles\n    patientId\n    purposeOfUse\n  }\n}": types.MeDocument,
    "query MyMedications($patientId: ID!) {\n  patient(id: $patientId) {\n    id\n    medications {\n      id\n      medication {\n        code\n        display\n      }\n      status\n      dosageText\n      authoredOn\n      endDate\n    }\n  }\n}": types.MyMedicationsDocument,
    "query ClinicianChart($id: ID!) {\n  patient(id: $id) {\n    id\n    name {\n      given\n      family\n    }\n    birthDate\n    gender\n    ssn\n    phone\n    address {\n      city\n      state\n    }\n    medications {\n      id\n      medication {\n        code\n        display\n      }\n      status\n      authoredOn\n    }\n    notes {\n      id\n      type\n      authoredAt\n      text\n    }\n  }\n}": types.ClinicianChartDocument,
    "mutation AddProgressNote($patientId: ID!, $text: String!) {\n  createClinicalNote(patientId: $patientId, type: \"progress\", text: $text) {\n    id\n    type\n    authoredAt\n  }\n}": types.AddProgressNoteDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CareTeamList($first: Int, $after: String) {\n  patients(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name {\n        family\n      }\n      birthDate\n    }\n  }\n}"): (typeof documents)["query CareTeamList($first: Int, $after: String) {\n  patients(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name {\n        family\n      }\n      birthDate\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Logout {\n  logout\n}"): (typeof documents)["mutation Logout {\n  logout\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  me {\n    sub\n    roles\n    patientId\n    purposeOfUse\n  }\n}"): (typeof documents)["query Me {\n  me {\n    sub\n    roles\n    patientId\n    purposeOfUse\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyMedications($patientId: ID!) {\n  patient(id: $patientId) {\n    id\n    medications {\n      id\n      medication {\n        code\n        display\n      }\n      status\n      dosageText\n      authoredOn\n      endDate\n    }\n  }\n}"): (typeof documents)["query MyMedications($patientId: ID!) {\n  patient(id: $patientId) {\n    id\n    medications {\n      id\n      medication {\n        code\n        display\n      }\n      status\n      dosageText\n      authoredOn\n      endDate\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ClinicianChart($id: ID!) {\n  patient(id: $id) {\n    id\n    name {\n      given\n      family\n    }\n    birthDate\n    gender\n    ssn\n    phone\n    address {\n      city\n      state\n    }\n    medications {\n      id\n      medication {\n        code\n        display\n      }\n      status\n      authoredOn\n    }\n    notes {\n      id\n      type\n      authoredAt\n      text\n    }\n  }\n}"): (typeof documents)["query ClinicianChart($id: ID!) {\n  patient(id: $id) {\n    id\n    name {\n      given\n      family\n    }\n    birthDate\n    gender\n    ssn\n    phone\n    address {\n      city\n      state\n    }\n    medications {\n      id\n      medication {\n        code\n        display\n      }\n      status\n      authoredOn\n    }\n    notes {\n      id\n      type\n      authoredAt\n      text\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AddProgressNote($patientId: ID!, $text: String!) {\n  createClinicalNote(patientId: $patientId, type: \"progress\", text: $text) {\n    id\n    type\n    authoredAt\n  }\n}"): (typeof documents)["mutation AddProgressNote($patientId: ID!, $text: String!) {\n  createClinicalNote(patientId: $patientId, type: \"progress\", text: $text) {\n    id\n    type\n    authoredAt\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;