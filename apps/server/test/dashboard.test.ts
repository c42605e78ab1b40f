import { Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { memoryStorage } from './helpers.js';

describe('GET /dashboard', () => {
  const app = createApp({ storage: memoryStorage() });
  afterAll(() => app.close());

  it('serves the page and its script without a key, locked down by CSP', async () => {
    const page = await app.inject({ url: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<script src="/dashboard/app.js"></script>');
    expect(page.body).toContain('type="password"');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['permissions-policy']).toMatch(/camera=\(\)/);

    const script = await app.inject({ url: '/dashboard/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    // It parses, and writes values only as text: a key named <img onerror=…> stays text.
    expect(() => new Script(script.body)).not.toThrow();
    expect(script.body).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|localStorage|sessionStorage/,
    );
    expect(script.body).toContain("'/v1/secrets/api/keys'");
  });
});

describe('GET /', () => {
  const app = createApp({ storage: memoryStorage() });
  afterAll(() => app.close());

  it('redirects to the dashboard, without a key', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/dashboard');
    expect(res.body).toBe('');
    // The redirect is followed by a browser that may hold nothing yet: it must not need a key.
    const followed = await app.inject({ url: String(res.headers.location) });
    expect(followed.statusCode).toBe(200);
    expect(followed.headers['content-type']).toMatch(/^text\/html/);
  });
});
