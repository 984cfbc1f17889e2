import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

const noElectron = { name: 'electron', message: 'src-main/core and the CLI must not depend on Electron.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-results/**', 'native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: ['electron/*'] }] },
  },
  {
    files: ['shared/**/*.ts', 'src-renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: ['node:*', 'electron/*', 'fs', 'path', 'crypto', 'os', 'child_process'] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  // The renderer (Vue SFCs): browser globals only, no Node or Electron, never v-html.
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['src-renderer/**/*.vue'] })),
  {
    files: ['src-renderer/**/*.vue', 'src-renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser }, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: ['node:*', 'electron/*', 'fs', 'path', 'crypto', 'os', 'child_process'] }],
    },
  },
  {
    files: ['src-renderer/**/*.vue'],
    rules: {
      'vue/no-v-html': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
