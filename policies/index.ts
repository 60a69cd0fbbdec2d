/** The built-in presets, written in the same policy language users write. */
import { opsGitSafety } from './opsGitSafety.js';
import { precise } from './precise.js';

export { opsGitSafety, precise };

export const presets = { opsGitSafety, precise };

/** The preset every repository gets unless its policy extends a preset itself. */
export const DEFAULT_PRESET = 'opsGitSafety';
