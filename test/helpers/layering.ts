/**
 * The layering rule (STYLE.md habit 14): shared code knows no service. Code under packages/ may
 * import other packages/ and third-party modules, never a subgraph, the gateway or a tool
 * (tools/), by package name or by a relative path that climbs into one.
 * test/unit/layering.test.ts applies it; eslint.config.mjs has the same rule for the editor.
 */
import path from 'node:path';
import ts from 'typescript';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** Top-level directories that hold services or tools, which shared code must not reach. */
export const SERVICE_DIRS = ['subgraphs', 'gateway', 'tools'] as const;

/** Workspace package names of services and tools: @ehr/subgraph-*, @ehr/gateway, @ehr/tools. */
const SERVICE_PACKAGE = /^@ehr\/(?:subgraph-[^/]+|gateway|tools)(?:\/|$)/;

export interface Violation {
  /** The importing file, relative to the repository root. */
  file: string;
  specifier: string;
}

/**
 * Every module specifier in a source text: import and export ... from declarations,
 * `import x = require()`, `require()`, `import()` and `import('x').T` types.
 */
export function moduleSpecifiers(fileName: string, sourceText: string): string[] {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteralLike(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteralLike(node.moduleReference.expression)
    ) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire =
        (ts.isIdentifier(callee) && callee.text === 'require') ||
        (ts.isPropertyAccessExpression(callee) &&
          ts.isIdentifier(callee.expression) &&
          callee.expression.text === 'require' &&
          callee.name.text === 'resolve');
      const [first] = node.arguments;
      if ((isImport || isRequire) && first && ts.isStringLiteralLike(first)) found.push(first.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteralLike(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Whether a specifier used in `fromFile` names a service or a tool: one of their package names,
 * or a relative (or absolute) path that resolves under subgraphs/, gateway/ or tools/.
 */
export function reachesService(specifier: string, fromFile: string, root: string = ROOT): boolean {
  if (SERVICE_PACKAGE.test(specifier)) return true;
  if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return false;
  const target = path.relative(root, path.resolve(path.dirname(fromFile), specifier));
  const [top] = target.split(path.sep);
  return (SERVICE_DIRS as readonly string[]).includes(top ?? '');
}

/** The specifiers of one source text that reach a service, each with the file that has it. */
export function serviceImports(fileName: string, sourceText: string, root: string = ROOT): Violation[] {
  const file = path.relative(root, fileName);
  return moduleSpecifiers(fileName, sourceText)
    .filter((specifier) => reachesService(specifier, fileName, root))
    .map((specifier) => ({ file, specifier }));
}

/** Whether a package name (e.g. a dependency) is a service's or a tool's. */
export function isServicePackage(name: string): boolean {
  return SERVICE_PACKAGE.test(name);
}
