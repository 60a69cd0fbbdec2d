/** Every check `gitfence doctor` runs, in order. Components add theirs here (shim, write-lock, …). */
import { SHIM_DOCTOR_CHECK } from '../shim/doctor.js';
import { HOOKS_CHECK } from './hooks.js';
import { POLICY_CHECKS } from './policy-checks.js';
import type { DoctorCheck } from './types.js';
import { WRITE_LOCK_CHECK } from './writelock.js';

export const DOCTOR_CHECKS: DoctorCheck[] = [
  ...POLICY_CHECKS,
  HOOKS_CHECK,
  WRITE_LOCK_CHECK,
  SHIM_DOCTOR_CHECK,
];
