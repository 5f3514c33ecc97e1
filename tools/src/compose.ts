import fs from 'node:fs';
import { composeSupergraph, SUPERGRAPH_FILE } from '@ehr/gateway';

/** `npm run compose`: writes gateway/supergraph.graphql, or lists composition errors and fails. */
const result = composeSupergraph();
if ('errors' in result) {
  for (const e of result.errors) process.stderr.write(`composition error: ${e}\n`);
  process.exit(1);
}
fs.writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
process.stdout.write(`wrote ${SUPERGRAPH_FILE}\n`);
