/** Stub until the push decision lands: allows, so the dispatcher has a target. */
import type { CompiledPolicy, Decision, PushRequest } from './types.js';

export function evaluatePush(_policy: CompiledPolicy, _request: PushRequest): Decision {
  return { outcome: 'allow', alert: 'none', matches: [], warnings: [] };
}
