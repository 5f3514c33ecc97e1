import path from 'node:path';
import { bootSubgraph, type SubgraphServer, type SubgraphSpec } from '@ehr/common';
import { loadNotesConfig, type NotesConfig } from './config.js';
import { createContextFactory, type NotesContext } from './context.js';
import { entities } from './entities/index.js';
import { stores } from './entities/stores.js';
import { migrations } from './migrations/index.js';
import { resolvers } from './resolvers/index.js';

export const notesSubgraph: SubgraphSpec<NotesContext, NotesConfig> = {
  name: 'notes',
  schemaFile: path.resolve(__dirname, '..', 'schema.graphql'),
  entities,
  stores,
  migrations,
  resolvers,
  loadConfig: loadNotesConfig,
  recordsAccess: true,
  aggregateFields: ['noteTypeCounts'],
  build: (deps) => ({
    context: createContextFactory(deps),
    // For analysts, a note type noteTypeCounts withholds is not shown in rows either (they would recount it).
    deidOverrides: {
      'ClinicalNote.type': async (parent, ctx) => {
        const type = (parent as { type?: string | null }).type;
        return type && (await (ctx as NotesContext).publishedTypes()).has(type) ? type : null;
      },
    },
  }),
};

/** Builds the notes subgraph on its own database; tests and main() both start here. */
export function createNotesSubgraph(config: NotesConfig): Promise<SubgraphServer> {
  return bootSubgraph(notesSubgraph, config);
}

export * from './entities/index.js';
export { stores } from './entities/stores.js';
export { migrations } from './migrations/index.js';
