/**
 * The peer corpus (`shared/corpus/peer-git-cases.jsonl`, beside the project's checkout; or the file
 * named by GITFENCE_PEER_CORPUS). Passing it is a requirement, so a missing corpus fails the tests
 * that need it, with where it was looked for, instead of skipping them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './sandbox.js';

export const CORPUS =
  process.env.GITFENCE_PEER_CORPUS ?? join(PROJECT_ROOT, '../shared/corpus/peer-git-cases.jsonl');

export function readCorpusText(): string {
  if (!existsSync(CORPUS)) {
    throw new Error(
      `the peer corpus is missing: expected ${CORPUS} (check the project out beside shared/, or set GITFENCE_PEER_CORPUS)`,
    );
  }
  return readFileSync(CORPUS, 'utf8');
}
