// Lint rules, including the import directions of docs/architecture.md: pure layers never import I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeIo = ['node:fs', 'node:fs/promises', 'node:child_process', 'node:net', 'node:dgram', 'node:http', 'node:https'];
const pure = { patterns: [{ group: nodeIo, message: 'pure code does no I/O (see docs/architecture.md)' }] };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/lib/**', 'src/api/**', 'src/lint/**', 'src/cluster/topology.ts', 'src/cluster/names.ts', 'src/agent/plan.ts', 'src/workloads/images.ts', 'src/policy/**', 'src/analysis/**', 'src/controllers/**', 'src/dns/**', 'src/ingress/**', 'src/store/**'],
    ignores: ['**/*.test.ts', '**/*.test-util.ts', 'src/dns/server/**', 'src/ingress/proxy.ts'],
    rules: { 'no-restricted-imports': ['error', pure] },
  },
);
