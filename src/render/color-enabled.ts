/** The colour decision, made once at the edge: NO_COLOR wins, then FORCE_COLOR, then "is it a terminal". */
export function colorEnabled(
  env: Record<string, string | undefined>,
  isTTY: boolean | undefined,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY === true;
}
