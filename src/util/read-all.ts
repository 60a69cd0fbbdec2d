/** A whole input stream as text: hook payloads on stdin, the pre-push ref list. */

/** Reads `stream` to its end; more than `limit` bytes is an error, not a silently cut input. */
export async function readAll(
  stream: NodeJS.ReadableStream | AsyncIterable<Buffer | string>,
  limit = Number.POSITIVE_INFINITY,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw new Error(`input larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
