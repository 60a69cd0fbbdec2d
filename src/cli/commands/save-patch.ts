import { notYetAvailable } from '../not-yet.js';
import { COMMANDS } from '../registry.js';

export const command = notYetAvailable('save-patch', COMMANDS['save-patch']!.summary);
