/**
 * The "must show" of issue 3 from the package a user installs: `npm pack`, `npm install` of that
 * tarball into a temp prefix, the shim installed from it into a temp GITFENCE_HOME and first on
 * PATH; then every coverage case of shim.test.ts runs against that installation.
 */
process.env.GITFENCE_SHIM_TEST_MODE = 'tarball';
await import('./shim.test.js');
