import fs from 'node:fs';
import { parse, type DocumentNode } from 'graphql';
import { withAnalystFields } from '../phi/analyst-fields.js';

/**
 * Reads a subgraph's schema.graphql, the contract written first; resolvers follow it. The
 * fields it derives for analysts from `@phi(as: ...)` are added here, so the subgraph, the
 * composition and every check see the same schema.
 */
export function readSchema(file: string): DocumentNode {
  return withAnalystFields(parse(fs.readFileSync(file, 'utf8')));
}
