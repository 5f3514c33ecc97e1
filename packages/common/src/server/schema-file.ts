import fs from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** Reads a subgraph's schema.graphql, the contract written first; resolvers follow it. */
export function readSchema(file: string): DocumentNode {
  return parse(fs.readFileSync(file, 'utf8'));
}
