import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { sendWebhook } from './send-webhook.js';
import { generateWebhookSecret, verifyWebhook } from './webhook-signatures.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function receiver(status: number, extra: Record<string, string> = {}) {
  const received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status, extra).end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received };
}

describe('sendWebhook', () => {
  it('POSTs the exact payload, signed so that keyward and standardwebhooks both verify it', async () => {
    const { url, received } = await receiver(204);
    const secret = generateWebhookSecret();
    const payload = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1' } });
    const result = await sendWebhook({ url, id: 'msg_1', payload, secret });
    expect(result).toEqual({ ok: true, status: 204 });
    const [got] = received;
    expect(got?.body.toString()).toBe(payload);
    expect(got?.headers['content-type']).toBe('application/json');
    expect(verifyWebhook({ headers: got!.headers, payload: got!.body, secrets: [secret] }).ok).toBe(true);
    expect(() =>
      new StandardWebhook(secret).verify(got!.body.toString(), got!.headers as Record<string, string>),
    ).not.toThrow();
  });

  it('signs with every secret during a rotation', async () => {
    const { url, received } = await receiver(200);
    const [old, next] = [generateWebhookSecret(), generateWebhookSecret()];
    await sendWebhook({ url, id: 'msg_2', payload: '{}', secret: [next, old] });
    const got = received[0]!;
    for (const secret of [old, next]) {
      expect(verifyWebhook({ headers: got.headers, payload: got.body, secrets: [secret] }).ok).toBe(true);
    }
  });

  it('reports a non-2xx answer and a missing one without throwing, and never follows a redirect', async () => {
    const failing = await receiver(500);
    expect(await sendWebhook({ url: failing.url, id: 'm', payload: '{}', secret: generateWebhookSecret() })).toEqual({
      ok: false,
      status: 500,
    });
    const redirecting = await receiver(307, { location: 'http://127.0.0.1:9/elsewhere' });
    const redirected = await sendWebhook({
      url: redirecting.url,
      id: 'm',
      payload: '{}',
      secret: generateWebhookSecret(),
    });
    expect(redirected.ok).toBe(false);
    expect(redirecting.received).toHaveLength(1);
    const nobody = await sendWebhook({
      url: 'http://127.0.0.1:9/',
      id: 'm',
      payload: '{}',
      secret: generateWebhookSecret(),
    });
    expect(nobody).toEqual({ ok: false, status: 0, error: 'no response' });
  });

  it('refuses a bad id or secret before sending anything', async () => {
    const { url, received } = await receiver(204);
    await expect(sendWebhook({ url, id: 'a.b', payload: '{}', secret: generateWebhookSecret() })).rejects.toThrow(
      /id must be/,
    );
    await expect(sendWebhook({ url, id: 'm', payload: '{}', secret: 'nope' })).rejects.toThrow(/secret must be/);
    expect(received).toEqual([]);
  });
});
