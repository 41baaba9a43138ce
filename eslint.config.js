import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  // Type-aware rules for the TypeScript sources and the JavaScript files tsc checks (checkJs:
  // the embedded database's thread and its creation script in src/storage).
  {
    files: ['**/*.ts', 'src/**/*.js'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  // Plain JavaScript config files are linted without type information.
  { files: ['*.js', '*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      // The rule follows value imports only; type-only cycles are kept out by shared-type modules
      // (clinical/terminology/types.ts, storage/executor.ts, app-deps.ts).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.ts', 'src/**/*.js'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The page's browser modules (web/).
  {
    files: ['web/**/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', fetch: 'readonly', performance: 'readonly', crypto: 'readonly', Node: 'readonly' },
    },
  },
);
