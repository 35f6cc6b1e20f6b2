import { defineConfig } from 'vitest/config';

/** Shared vitest settings: every project resolves sibling libs from source via the custom condition. */
export function projectConfig(name: string) {
  return defineConfig({
    resolve: { conditions: ['@tezos-p2p/source', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@tezos-p2p/source', 'node', 'import', 'default'] } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
      hookTimeout: 30_000,
      pool: 'forks',
    },
  });
}
