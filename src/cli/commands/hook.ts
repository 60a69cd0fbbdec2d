import { notYetAvailable } from '../not-yet.js';
import { COMMANDS } from '../registry.js';

export const command = notYetAvailable('hook', COMMANDS['hook']!.summary);
