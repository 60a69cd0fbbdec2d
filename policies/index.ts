/** The built-in presets, written in the same policy language users write. */
import { definePolicy } from '../src/policy/define.js';

export const presets = {
  opsGitSafety: definePolicy({ name: 'opsGitSafety' }),
  precise: definePolicy({ name: 'precise' }),
};
