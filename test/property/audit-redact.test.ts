import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactPatterns, redactText } from '../../src/audit/redact.js';

/** Pieces that make up secrets and near-misses, mixed with arbitrary text. */
const piece = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'https://',
    'user:pass@',
    'Authorization',
    'proxy-authorization',
    ': Bearer ',
    'ghp_',
    'github_pat_',
    'glpat-',
    'xoxb-',
    'AKIA',
    'sk-',
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
    'abcdefghijklmnop_qrstuvwxyz-0123',
    ' ',
    '/',
    '@',
  ),
);

describe('audit redaction', () => {
  it('skipping the patterns for text that cannot hold a secret changes nothing', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
        const text = parts.join('');
        expect(redactText(text)).toBe(redactPatterns(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('still redacts each kind of secret', () => {
    expect(redactText('https://me:hunter2@example.com/r.git')).toBe(
      'https://***@example.com/r.git',
    );
    expect(redactText('Authorization: Bearer abc')).toBe('Authorization: ***');
    expect(redactText(`token ghp_${'a'.repeat(20)}`)).toBe('token ***');
    expect(redactText(`AKIA${'A'.repeat(16)}`)).toBe('***');
    expect(redactText('reset --hard')).toBe('reset --hard');
  });
});
