/** Running doctor checks and rendering their report. */
import type { DoctorCheck, DoctorContext, DoctorResult, DoctorStatus } from './types.js';

export async function runDoctorChecks(
  checks: readonly DoctorCheck[],
  context: DoctorContext,
): Promise<DoctorResult[]> {
  const results: DoctorResult[] = [];
  for (const check of checks) {
    try {
      results.push({ name: check.name, lines: await check.run(context) });
    } catch (error) {
      // A broken check is reported, not fatal: the other checks still say what they know.
      results.push({
        name: check.name,
        lines: [{ status: 'fail', message: `check failed: ${(error as Error).message}` }],
      });
    }
  }
  return results;
}

export function worstStatus(results: readonly DoctorResult[]): DoctorStatus {
  const all = results.flatMap((result) => result.lines.map((line) => line.status));
  return all.includes('fail') ? 'fail' : all.includes('warn') ? 'warn' : 'ok';
}

export function renderDoctor(
  results: readonly DoctorResult[],
  paint: (status: DoctorStatus, text: string) => string = (_s, t) => t,
): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(result.name);
    for (const line of result.lines) {
      lines.push(`  ${paint(line.status, line.status.padEnd(4))} ${line.message}`);
      if (line.hint && line.status !== 'ok') lines.push(`       → ${line.hint}`);
    }
  }
  const worst = worstStatus(results);
  lines.push(
    '',
    worst === 'ok' ? 'all good' : worst === 'warn' ? 'working, with warnings' : 'problems found',
  );
  return `${lines.join('\n')}\n`;
}
