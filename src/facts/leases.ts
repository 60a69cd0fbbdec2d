/** Active leases for the evaluator: the lock-scope store's light reader (one file read, no zod). */
export { readActiveLeases } from '../scopes/facts.js';
