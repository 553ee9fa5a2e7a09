import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure code and loopback servers, seconds), `e2e` (a real kube-apiserver + etcd) and `node`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{contract,webhook,sidecar,cli,certs,bench,docs,packaging}/**/*.test.ts', 'test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: ['test/e2e/node/**'],
          testTimeout: 120_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/globalSetup.ts'],
        },
      },
      {
        // A real node (kubelet, containerd, kube-proxy) with the built image, the install manifests and ToolHive's
        // operator; run on its own after the others (make test), skipped with one line where the machine cannot.
        test: {
          name: 'node',
          include: ['test/e2e/node/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/node/globalSetup.ts'],
        },
      },
    ],
  },
});
