/** Environment variables whose presence marks an agent session, when no policy names others (settings.shim.agentMarkers). */
export const DEFAULT_AGENT_MARKERS: readonly string[] = Object.freeze([
  'LLM_AGENT_NAME',
  'CLAUDECODE',
  'GEMINI_CLI',
  'CODEX_SANDBOX',
  'CODEX_MANAGED_BY_NPM',
]);
