import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

describe('graphql-codegen output', () => {
  it('matches the committed files (run `npm run codegen` when this fails)', () => {
    const json = execFileSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'codegen-outputs.js')], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const outputs = JSON.parse(json) as { filename: string; content: string }[];
    expect(outputs.map((o) => o.filename).sort()).toEqual(
      [
        'clients/__generated__/gql.ts',
        'clients/__generated__/graphql.ts',
        'clients/__generated__/index.ts',
        'clients/__generated__/persisted-documents.json',
        'subgraphs/audit/src/__generated__/resolvers-types.ts',
        'subgraphs/medication/src/__generated__/resolvers-types.ts',
        'subgraphs/notes/src/__generated__/resolvers-types.ts',
        'subgraphs/patient/src/__generated__/resolvers-types.ts',
        'test/__generated__/operations.ts',
      ].sort(),
    );
    const stale = outputs
      .filter((o) => {
        const file = path.resolve(ROOT, o.filename);
        return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== o.content;
      })
      .map((o) => o.filename);
    expect(stale).toEqual([]);
  });
});
