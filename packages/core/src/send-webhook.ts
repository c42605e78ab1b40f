import { signWebhook } from './webhook-signatures.js';

/** Input of {@link sendWebhook}. */
export interface SendWebhookInput {
  /** The receiver's URL. */
  url: string | URL;
  /** The message id: the same for every attempt of one event (receivers use it to refuse replays). */
  id: string;
  /** The exact body: a string (usually `JSON.stringify(event)`) or bytes. */
  payload: string | Uint8Array;
  /** Every active secret (`whsec_` or `whsk_`): during a rotation, old and new, so receivers holding either verify. */
  secret: string | readonly string[];
  /** `Content-Type` of the body. Default `application/json`. */
  contentType?: string;
  /** Give up after this long. Default 15,000 ms (Standard Webhooks recommends 15–30 s). */
  timeoutMs?: number;
  /** The fetch to use. Default the global `fetch`. */
  fetch?: typeof fetch;
}

/** What the receiver answered; `status` 0 when there was no answer (network error, timeout). */
export interface SendWebhookResult {
  /** A 2xx answer. Anything else is a failed attempt, to retry later with the same `id`. */
  ok: boolean;
  status: number;
  /** Why there was no answer, without the payload or secret. */
  error?: string;
}

/**
 * Sends one signed webhook attempt (Standard Webhooks): POSTs `payload` with the `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` headers, signed with every secret given. Redirects
 * are not followed (the receiver should update its URL). Never throws for a failed delivery:
 * the result says what happened, so the caller can schedule a retry.
 *
 * @throws TypeError for a bad id or secret (see {@link signWebhook}).
 * @example
 * const result = await sendWebhook({ url, id: `msg_${event.id}`, payload: JSON.stringify(event), secret });
 * if (!result.ok) scheduleRetry(event);
 */
export async function sendWebhook(input: SendWebhookInput): Promise<SendWebhookResult> {
  const headers = signWebhook({ id: input.id, payload: input.payload, secret: input.secret });
  const send = input.fetch ?? globalThis.fetch;
  try {
    const response = await send(input.url, {
      method: 'POST',
      headers: { ...headers, 'content-type': input.contentType ?? 'application/json' },
      body: input.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs ?? 15_000),
    });
    // Drain the body so the connection can be reused; its content is not ours to read.
    await response.arrayBuffer().catch(() => undefined);
    return { ok: response.status >= 200 && response.status < 300, status: response.status };
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    return { ok: false, status: 0, error: name === 'TimeoutError' ? 'timed out' : 'no response' };
  }
}
