/** sha256 of policy sources, for the compiled policy's layer record and doctor's staleness check. */
import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
