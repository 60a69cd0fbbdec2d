import { notYetAvailable } from '../not-yet.js';
import { COMMANDS } from '../registry.js';

export const command = notYetAvailable('compile', COMMANDS['compile']!.summary);
