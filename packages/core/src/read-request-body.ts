import { ApiKeyError } from './errors.js';

/** What {@link readRequestBody} gives back: the exact bytes, or the error to answer with. */
export type RequestBodyResult = { ok: true; body: Buffer } | { ok: false; error: ApiKeyError };

/** Options of {@link readRequestBody}. */
export interface ReadRequestBodyOptions {
  /** The most bytes to accept; one more is 413 `payload_too_large`. */
  limit: number;
  /** The request's `Content-Length`, when sent: a body declared over the limit is refused unread. */
  contentLength?: unknown;
}

/** The smallest part of a stream {@link readRequestBody} reads: Node's `IncomingMessage` is one. */
export interface BodyStream {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  resume(): unknown;
  readonly readableEnded?: boolean;
}

const tooLarge = (): RequestBodyResult => ({ ok: false, error: new ApiKeyError('payload_too_large') });

function declaredLength(value: unknown): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || !/^\d{1,16}$/.test(text.trim())) return null;
  return Number(text.trim());
}

/**
 * Reads a request body as the exact bytes received, for a signature check, never holding more
 * than `limit` bytes: a body declared (`Content-Length`) or found to be larger is 413
 * `payload_too_large` as soon as that is known, and the rest is discarded unread. A stream that
 * fails or closes early gives 400 `validation_error`; one another reader already consumed gives
 * 500 `internal_error` (its `cause` says so, for the log), since reading it would wait forever.
 * Never rejects. Content encodings are not decoded: a signature covers the bytes as sent.
 *
 * @example
 * const result = await readRequestBody(req, { limit: 1024 * 1024, contentLength: req.headers['content-length'] });
 * if (!result.ok) return send(result.error);
 */
export function readRequestBody(stream: BodyStream, options: ReadRequestBodyOptions): Promise<RequestBodyResult> {
  const { limit } = options;
  const declared = declaredLength(options.contentLength);
  if (declared !== null && declared > limit) return Promise.resolve(tooLarge());
  if (stream.readableEnded === true) {
    const cause = new Error('the request body was already read by another middleware or body parser');
    return Promise.resolve({ ok: false, error: new ApiKeyError('internal_error', { cause }) });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    const finish = (result: RequestBodyResult) => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onFailure);
      stream.removeListener('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += bytes.length;
      if (size > limit) {
        chunks.length = 0;
        finish(tooLarge());
        // Whatever else arrives is dropped, never buffered: a flood costs no memory.
        stream.resume();
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => {
      ended = true;
      finish({ ok: true, body: Buffer.concat(chunks, size) });
    };
    const onFailure = (cause: unknown) => {
      finish({
        ok: false,
        error: new ApiKeyError('validation_error', { message: 'body: the request body could not be read', cause }),
      });
    };
    // A client that goes away mid-body closes the stream without an end.
    const onClose = () => {
      if (!ended) onFailure(new Error('the request closed before its body ended'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onFailure);
    stream.on('close', onClose);
  });
}
