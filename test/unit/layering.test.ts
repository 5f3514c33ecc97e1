import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import {
  isServicePackage,
  moduleSpecifiers,
  reachesService,
  ROOT,
  serviceImports,
  type Violation,
} from '../helpers/layering';

/** Shared code knows no service (STYLE.md habit 14): nothing under packages/ imports a service or tool. */

const PACKAGES = path.join(ROOT, 'packages');
const packageDirs = fs
  .readdirSync(PACKAGES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(PACKAGES, e.name, 'package.json')))
  .map((e) => path.join(PACKAGES, e.name));

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__generated__' || e.name === 'node_modules' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const rel = (p: string): string => path.relative(ROOT, p);

describe('shared code (packages/) imports no service', () => {
  it('finds the shared packages and their sources', () => {
    expect(packageDirs.map(rel)).toEqual(expect.arrayContaining(['packages/common', 'packages/policy']));
    for (const dir of packageDirs)
      expect({ dir: rel(dir), files: sourceFiles(path.join(dir, 'src')).length > 0 }).toEqual({
        dir: rel(dir),
        files: true,
      });
  });

  it('no source file under packages/*/src imports a subgraph, the gateway or tools/', () => {
    const violations: Violation[] = [];
    let specifiers = 0;
    for (const dir of packageDirs) {
      for (const file of sourceFiles(path.join(dir, 'src'))) {
        const text = fs.readFileSync(file, 'utf8');
        specifiers += moduleSpecifiers(file, text).length;
        violations.push(...serviceImports(file, text));
      }
    }
    expect(specifiers).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it('no packages/*/package.json depends on a service or tool', () => {
    for (const dir of packageDirs) {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const names = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
        Object.keys((manifest[field] as Record<string, string> | undefined) ?? {}),
      );
      expect({ package: rel(dir), services: names.filter(isServicePackage) }).toEqual({
        package: rel(dir),
        services: [],
      });
    }
  });

  it('no packages/*/tsconfig.json references a service or tool', () => {
    for (const dir of packageDirs) {
      const file = path.join(dir, 'tsconfig.json');
      if (!fs.existsSync(file)) continue;
      const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
      expect(error).toBeUndefined();
      const references = ((config as { references?: { path: string }[] }).references ?? []).map((r) => r.path);
      expect({
        tsconfig: rel(file),
        services: references.filter((p) => reachesService(p.startsWith('.') ? p : `./${p}`, file)),
      }).toEqual({ tsconfig: rel(file), services: [] });
    }
  });
});

describe('the layering checker', () => {
  it('reports an import of a service by package name and by relative path, naming file and specifier', () => {
    // From packages/common/, ../../ is the repository root.
    const file = path.join(ROOT, 'packages', 'common', 'example.ts');
    const text = [
      "import { composeSupergraph } from '@ehr/gateway';",
      "import { buildSubgraph } from '../../subgraphs/patient/src/server.js';",
      "import { loadConfig } from './src/config.js';",
    ].join('\n');
    expect(serviceImports(file, text)).toEqual([
      { file: 'packages/common/example.ts', specifier: '@ehr/gateway' },
      { file: 'packages/common/example.ts', specifier: '../../subgraphs/patient/src/server.js' },
    ]);
  });

  it('sees every form of import: type-only, export from, import = require, require, import() and import types', () => {
    const file = path.join(ROOT, 'packages', 'common', 'src', 'example.ts');
    const text = [
      "import type { SeedData } from '@ehr/tools';",
      "export * from '@ehr/subgraph-notes';",
      "export { migrations } from '../../../subgraphs/audit/src/server.js';",
      "import audit = require('@ehr/subgraph-audit');",
      "const lib = require('../../../gateway/src/lib.js');",
      'export async function later() {',
      "  const paths = await import('../../../tools/src/paths.js');",
      "  return require.resolve('@ehr/gateway/package.json') + paths.ROOT;",
      '}',
      "export type Row = import('@ehr/subgraph-patient').Patient;",
      'void audit, lib;',
    ].join('\n');
    expect(serviceImports(file, text).map((v) => v.specifier)).toEqual([
      '@ehr/tools',
      '@ehr/subgraph-notes',
      '../../../subgraphs/audit/src/server.js',
      '@ehr/subgraph-audit',
      '../../../gateway/src/lib.js',
      '../../../tools/src/paths.js',
      '@ehr/gateway/package.json',
      '@ehr/subgraph-patient',
    ]);
  });

  it('resolves relative paths instead of matching names, and lets shared and third-party modules through', () => {
    const file = path.join(ROOT, 'packages', 'common', 'src', 'example.ts');
    const text = [
      "import { ROLES } from '@ehr/policy';",
      "import { ApolloGateway } from '@apollo/gateway';",
      "import { tools } from './tools.js';", // packages/common/src/tools.ts
      "import { x } from '../../subgraphs/x.js';", // packages/subgraphs/x.js: not the services' directory
      "import policy from '../../policy/role-policy.json';",
      "import fs from 'node:fs';",
    ].join('\n');
    expect(moduleSpecifiers(file, text)).toHaveLength(6);
    expect(serviceImports(file, text)).toEqual([]);
  });
});
