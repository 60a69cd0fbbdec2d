/** Colours for the terminal renderers (picocolors, honouring the decision made at the edge). */
import { createColors } from 'picocolors';

export { colorEnabled } from './color-enabled.js';

export type Colors = ReturnType<typeof createColors>;

export function colors(enabled: boolean): Colors {
  return createColors(enabled);
}
