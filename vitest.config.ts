import { defineConfig } from 'vitest/config';

// One run for the whole suite. Integration tests that need the real sshd get it
// from test/support (started on demand by the suite that needs it), so unit
// tests stay fast and independent.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // The AWS SDK's notice that future releases need Node 22 (the CLI silences it too).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    allowOnly: false,
    passWithNoTests: false,
  },
});
