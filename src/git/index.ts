/** The git invocation model: parse an argv as git does, name its effects, normalise it. */
export * from './invocation.js';
export { parseInvocation, parseDashed, type ParseContext } from './parse.js';
export { normalizeInvocation, quoteWord } from './normalize.js';
export { splitArgs } from './split.js';
export { isRevision, looksLikePath, looksLikeRevision } from './effects.js';
