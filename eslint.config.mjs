// One flat config for the monorepo. Module boundaries follow docs/ARCHITECTURE.md:
// each lib may import only the libs below it, through their package entry.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const layers = [
  // [tag, may depend on tags]; every layer may also use layer:fixtures (in tests)
  ['layer:fixtures', []],
  ['layer:encoding', []],
  ['layer:wire', ['layer:encoding']],
  ['layer:events', ['layer:encoding', 'layer:wire']],
  ['layer:crypto', ['layer:encoding', 'layer:wire', 'layer:events']],
  ['layer:connection', ['layer:encoding', 'layer:wire', 'layer:events', 'layer:crypto']],
  ['layer:acl', ['layer:encoding', 'layer:wire', 'layer:events', 'layer:crypto']],
  ['layer:pool', ['layer:encoding', 'layer:wire', 'layer:events', 'layer:crypto', 'layer:connection', 'layer:acl']],
  [
    'layer:workers',
    ['layer:encoding', 'layer:wire', 'layer:events', 'layer:crypto', 'layer:connection', 'layer:acl', 'layer:pool'],
  ],
  [
    'layer:p2p',
    [
      'layer:encoding',
      'layer:wire',
      'layer:events',
      'layer:crypto',
      'layer:connection',
      'layer:acl',
      'layer:pool',
      'layer:workers',
    ],
  ],
  ['layer:shell', ['layer:encoding', 'layer:wire']],
  [
    'layer:testing',
    [
      'layer:encoding',
      'layer:wire',
      'layer:events',
      'layer:crypto',
      'layer:connection',
      'layer:acl',
      'layer:pool',
      'layer:workers',
      'layer:p2p',
      'layer:shell',
    ],
  ],
  ['type:app', ['*']],
  ['type:tool', ['*']],
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            ...layers.map(([sourceTag, allowed]) => ({
              sourceTag,
              onlyDependOnLibsWithTags: allowed.includes('*') ? allowed : [...allowed, 'layer:fixtures'],
              // Libraries speak only the OpenTelemetry API; SDKs and exporters belong to apps.
              ...(sourceTag.startsWith('layer:')
                ? { bannedExternalImports: ['@opentelemetry/sdk-*', '@opentelemetry/exporter-*', 'pino', 'commander'] }
                : {}),
            })),
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[source.value=/^@tezos-p2p\\/[^/]+\\/.+/]',
          message: 'Import a lib through its package entry only.',
        },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Per-project vitest configs share one root helper; they are build tooling, not lib code.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);
