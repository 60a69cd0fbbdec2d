/** The shim's GitRunner is the shared one; the name stays because shim/exec imports it. */
export { createGitRunner as createShimGitRunner } from '../util/git-runner.js';
