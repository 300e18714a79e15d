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
    // Deadlines for a hung test, never speed checks: on a machine loaded by a parallel job a real
    // sshd login (with its rc files) or an ansible-playbook run can take many times its usual time.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    allowOnly: false,
    passWithNoTests: false,
  },
});
