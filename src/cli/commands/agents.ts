import { notYetAvailable } from '../not-yet.js';
import { COMMANDS } from '../registry.js';

export const command = notYetAvailable('agents', COMMANDS['agents']!.summary);
