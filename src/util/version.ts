/** gitfence's version, from package.json: `--version` and every saved patch's metadata name it. */
import packageJson from '../../package.json' with { type: 'json' };

export const GITFENCE_VERSION: string = packageJson.version;
