import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRequestBody } from './read-request-body.js';

function streamOf(...chunks: (string | Buffer)[]) {
  const stream = new PassThrough();
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return stream;
}

describe('readRequestBody', () => {
  it('gives the exact bytes of any body, in however many chunks, up to the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), async (parts) => {
        const buffers = parts.map((p) => Buffer.from(p));
        const all = Buffer.concat(buffers);
        const result = await readRequestBody(streamOf(...buffers), { limit: Math.max(1, all.length) });
        expect(result.ok && result.body.equals(all)).toBe(true);
      }),
    );
  });

  it('refuses one byte over the limit with 413 payload_too_large, as it arrives', async () => {
    const result = await readRequestBody(streamOf('12345', '6'), { limit: 5 });
    expect(!result.ok && [result.error.code, result.error.status]).toEqual(['payload_too_large', 413]);
    const exact = await readRequestBody(streamOf('12345'), { limit: 5 });
    expect(exact.ok && exact.body.toString()).toBe('12345');
  });

  it('refuses a declared Content-Length over the limit without reading a byte', async () => {
    const stream = new PassThrough();
    let read = false;
    stream.on('data', () => {
      read = true;
    });
    stream.pause();
    const result = await readRequestBody(stream, { limit: 5, contentLength: '6' });
    expect(!result.ok && result.error.code).toBe('payload_too_large');
    expect(read).toBe(false);
    // A Content-Length that is no number is left to the count of the bytes themselves.
    const lying = await readRequestBody(streamOf('123456'), { limit: 5, contentLength: 'abc' });
    expect(!lying.ok && lying.error.code).toBe('payload_too_large');
  });

  it('refuses a stream another reader consumed with 500 internal_error, saying why in the cause', async () => {
    const stream = streamOf('x');
    stream.resume();
    await new Promise((resolve) => stream.on('end', resolve));
    const result = await readRequestBody(stream, { limit: 5 });
    expect(!result.ok && [result.error.code, result.error.status]).toEqual(['internal_error', 500]);
    expect(!result.ok && String(result.error.cause)).toMatch(/already read by another middleware/);
  });

  it('answers 400 for a stream that fails or closes before its end', async () => {
    const failing = new PassThrough();
    const pending = readRequestBody(failing, { limit: 5 });
    failing.destroy(new Error('socket hang up'));
    const failed = await pending;
    expect(!failed.ok && [failed.error.code, failed.error.status]).toEqual(['validation_error', 400]);
    const closing = new PassThrough();
    const closed = readRequestBody(closing, { limit: 5 });
    closing.destroy();
    const result = await closed;
    expect(!result.ok && result.error.message).toBe('body: the request body could not be read');
  });
});
