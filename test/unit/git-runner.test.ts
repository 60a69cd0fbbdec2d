import { describe, expect, it } from 'vitest';
import { createGitRunner } from '../../src/util/git-runner.js';

describe('the git runner', () => {
  it('collects stdout, or hands it over chunk by chunk without keeping it', async () => {
    const git = createGitRunner('git', { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1' });
    expect((await git.run(['version'])).stdout).toMatch(/^git version /);
    const chunks: Buffer[] = [];
    const streamed = await git.run(['version'], { onStdout: (chunk) => chunks.push(chunk) });
    expect(streamed.code).toBe(0);
    expect(streamed.stdout).toBe('');
    expect(streamed.stdoutBuffer.length).toBe(0);
    expect(Buffer.concat(chunks).toString()).toMatch(/^git version /);
  });
});
