import { notYetAvailable } from '../not-yet.js';
import { COMMANDS } from '../registry.js';

export const command = notYetAvailable('apply-patch', COMMANDS['apply-patch']!.summary);
