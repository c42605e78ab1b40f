import { DASHBOARD_HTML } from '../dashboard/page.js';
import { DASHBOARD_JS } from '../dashboard/script.js';
import { defineOperation, type Operation } from '../operation.js';

// Only our own script may run, nothing may frame the page (clickjacking a revoke button), and
// the pasted key is never sent anywhere but this origin.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  // For browsers that predate frame-ancestors, and so that no other window keeps a handle on
  // the page that holds a pasted key; the page needs no camera, microphone or location.
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/**
 * `GET /dashboard` and its script: a page to manage keys, portal sessions and webhook endpoints
 * with a pasted key, and `GET /` sending a browser there. No key to load them. A user interface,
 * not part of the API: left out of the OpenAPI document.
 */
export const dashboardOperations: readonly Operation[] = [
  defineOperation({
    operationId: 'getRoot',
    method: 'GET',
    path: '/',
    auth: 'none',
    summary: 'Sends a browser to the dashboard',
    tags: ['service'],
    document: false,
    response: { status: 302, description: 'To the dashboard', location: '/dashboard' },
    handler: () => {},
  }),
  defineOperation({
    operationId: 'getDashboard',
    method: 'GET',
    path: '/dashboard',
    auth: 'none',
    summary: 'The dashboard page',
    tags: ['service'],
    document: false,
    response: { status: 200, description: 'The page', contentType: 'text/html; charset=utf-8' },
    handler: ({ reply }) => {
      reply.headers(SECURITY_HEADERS);
      return DASHBOARD_HTML;
    },
  }),
  defineOperation({
    operationId: 'getDashboardScript',
    method: 'GET',
    path: '/dashboard/app.js',
    auth: 'none',
    summary: "The dashboard page's script",
    tags: ['service'],
    document: false,
    response: { status: 200, description: 'The script', contentType: 'text/javascript; charset=utf-8' },
    handler: ({ reply }) => {
      reply.headers(SECURITY_HEADERS);
      return DASHBOARD_JS;
    },
  }),
];
