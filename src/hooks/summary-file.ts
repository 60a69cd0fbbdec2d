/** `--summary-file PATH`: the JSON summary at PATH and the one-line TXT beside it, both atomic. */
import { writeFileAtomic } from '../util/atomic-write.js';
import {
  renderSummaryJson,
  renderSummaryLine,
  summaryTextPath,
  type HookSummaryInput,
} from './summary.js';

export async function writeHookSummary(path: string, summary: HookSummaryInput): Promise<void> {
  await writeFileAtomic(path, renderSummaryJson(summary));
  await writeFileAtomic(summaryTextPath(path), renderSummaryLine(summary));
}
