import { statSync } from 'node:fs';

/** An existing directory (following links); anything unreadable is not one. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
