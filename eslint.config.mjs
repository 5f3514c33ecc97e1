// ESLint: typescript-eslint's recommended rules over all TypeScript; generated files excluded.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SHARED_CODE_KNOWS_NO_SERVICE =
  'Shared code knows no service (STYLE.md habit 14): packages/ must not import a subgraph, the gateway or tools/. ' +
  'Move what both need into packages/, or the code that needs the service out of packages/.';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/__generated__/**', 'data/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Layering: packages/ are shared libraries; services (subgraphs/, gateway/) and tools/ build on
    // them, never the other way round. test/unit/layering.test.ts checks the same with resolved paths
    // (and require()/import(), which this rule does not see).
    files: ['packages/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ehr/subgraph-*', '@ehr/gateway', '@ehr/gateway/*', '@ehr/tools', '@ehr/tools/*'],
              message: SHARED_CODE_KNOWS_NO_SERVICE,
            },
            {
              // A relative path that climbs out of the package into a service or a tool.
              regex: '^(?:\\.\\./)+(?:.*/)?(?:subgraphs|gateway|tools)(?:/|$)',
              message: SHARED_CODE_KNOWS_NO_SERVICE,
            },
          ],
        },
      ],
    },
  },
);
