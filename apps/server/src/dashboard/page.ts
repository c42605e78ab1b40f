// The dashboard is one static page and one script (script.ts), inlined so the build ships them
// without copying assets. The page has no inline script (the CSP allows only /dashboard/app.js)
// and holds no value: the script fills it in, as text.

// Narrow screens (a phone, 390 px wide) turn each table row into a card whose cells carry their
// column's name (`data-label`), so nothing scrolls sideways.
const STYLE = `
*, *::before, *::after { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f4f6f8; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1rem; padding: .6rem 1rem; background: #1d2430; color: #fff; }
header h1 { font-size: 1.15rem; margin: 0; }
#who { flex: 1 1 18rem; margin: 0; font-size: .9rem; overflow-wrap: anywhere; }
main { max-width: 80rem; margin: 0 auto; padding: 1rem; }
section { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 1rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 .6rem; } h3 { font-size: 1rem; margin: .8rem 0 .4rem; }
p { margin: .3rem 0; } .hint { color: #56606d; font-size: .85rem; }
form.fields { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .6rem; margin: 0 0 .8rem; }
label { display: flex; flex-direction: column; gap: .15rem; font-size: .85rem; color: #3b4552; }
input, select, button { font: inherit; }
input, select { padding: .35rem .5rem; border: 1px solid #8d97a3; border-radius: 4px; background: #fff; color: inherit; min-width: 0; max-width: 100%; }
#key { width: 36rem; font-family: ui-monospace, monospace; }
button { padding: .35rem .8rem; border: 1px solid #2f55c8; border-radius: 4px; background: #2f55c8; color: #fff; cursor: pointer; }
button.quiet { background: #fff; color: #2f55c8; }
button.danger { background: #fff; color: #b3261e; border-color: #b3261e; }
button:disabled { opacity: .45; cursor: default; }
:focus-visible { outline: 3px solid #e8a400; outline-offset: 2px; }
[tabindex="-1"]:focus { outline: none; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
caption { text-align: left; color: #56606d; padding: 0 0 .3rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #e3e7eb; overflow-wrap: break-word; }
th { font-weight: 600; color: #3b4552; white-space: nowrap; }
.wrap { overflow-wrap: anywhere; } .nowrap { white-space: nowrap; }
.mono, code { font-family: ui-monospace, monospace; font-size: .85rem; }
.actions { display: flex; flex-wrap: nowrap; gap: .3rem; }
.actions button { padding: .15rem .5rem; font-size: .85rem; }
.status-active { color: #1b6e2f; font-weight: 600; } .status-inactive { color: #8a5a00; font-weight: 600; } .status-expired { color: #b3261e; font-weight: 600; }
.pager { display: flex; flex-wrap: wrap; align-items: center; gap: .6rem; margin-top: .6rem; }
#secret { background: #fff8dc; border-color: #dcc25e; }
#secret-value { display: block; margin: .4rem 0; padding: .5rem; background: #fff; border: 1px solid #dcc25e; border-radius: 4px; word-break: break-all; user-select: all; }
.row { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
#error { color: #b3261e; font-weight: 600; } #error:empty, #status:empty { display: none; }
#status { color: #1b6e2f; }
dialog { border: 1px solid #8d97a3; border-radius: 6px; padding: 1rem; width: 30rem; max-width: calc(100vw - 2rem); }
dialog::backdrop { background: rgb(0 0 0 / .35); }
dialog .row { justify-content: flex-end; margin-top: .8rem; }
dialog label { margin-top: .5rem; }
[hidden] { display: none !important; }
@media (max-width: 46rem) {
  main { padding: .6rem; } section { padding: .7rem; }
  table, tbody, tr, td, caption { display: block; }
  thead { display: none; }
  tr { padding: .4rem 0; border-bottom: 1px solid #d8dde3; }
  td { display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); gap: .5rem; padding: .15rem 0; border: 0; }
  td::before { content: attr(data-label); font-weight: 600; color: #3b4552; }
  .actions { flex-wrap: wrap; } .nowrap { white-space: normal; }
  form.fields > label, form.fields > label > input, form.fields > label > select, #key { width: 100%; }
}
`;

/** The dashboard's HTML. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>keyward dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>keyward</h1>
<p id="who" hidden></p>
<button id="sign-out" type="button" class="quiet" hidden>Sign out</button>
</header>
<main>
<p id="error" role="alert"></p>
<p id="status" role="status"></p>
<section id="login" aria-labelledby="login-title">
<h2 id="login-title">Sign in</h2>
<form id="login-form" class="fields">
<label>API key <input id="key" type="password" autocomplete="off" spellcheck="false" required></label>
<button>Use</button>
</form>
<p class="hint">The key stays in this page's memory only: a reload or Sign out forgets it.</p>
</section>
<div id="main" hidden>
<section id="secret" aria-labelledby="secret-title" hidden>
<h2 id="secret-title"></h2>
<p>Copy it now: it will not be shown again.</p>
<code id="secret-value"></code>
<p id="secret-detail" class="hint"></p>
<div class="row"><button id="copy" type="button">Copy</button><button id="secret-done" type="button" class="quiet">Done, hide it</button></div>
<p id="copy-status" class="hint" aria-live="polite"></p>
</section>
<section aria-labelledby="keys-title">
<h2 id="keys-title" tabindex="-1">API keys</h2>
<form id="create" class="fields">
<label>Name <input id="name" required maxlength="255" autocomplete="off"></label>
<label>Scopes <input id="scopes" placeholder="default: yours" autocomplete="off" aria-describedby="scopes-hint"></label>
<label>Expires (your time) <input id="expires" type="datetime-local"></label>
<button>Create key</button>
</form>
<p id="scopes-hint" class="hint">Scopes are separated by spaces; a new key can have only scopes yours has. No expiry: it lasts until revoked.</p>
<table>
<caption id="keys-range"></caption>
<thead><tr><th>Name</th><th>ID</th><th>Key</th><th>Status</th><th>Scopes</th><th>Expires</th><th>Last used</th><th>Actions</th></tr></thead>
<tbody id="keys"></tbody>
</table>
<div class="pager">
<button id="prev" type="button" class="quiet">Previous page</button>
<button id="next" type="button" class="quiet">Next page</button>
<button id="refresh" type="button" class="quiet">Refresh</button>
</div>
</section>
<section aria-labelledby="hooks-title">
<h2 id="hooks-title" tabindex="-1">Webhook endpoints</h2>
<form id="hook-create" class="fields">
<label>Name <input id="hook-name" maxlength="255" autocomplete="off" placeholder="optional"></label>
<label>Tolerance (seconds) <input id="hook-tolerance" type="number" min="1" max="3600" placeholder="300"></label>
<button>Create endpoint</button>
</form>
<table>
<caption id="hooks-range"></caption>
<thead><tr><th>Name</th><th>ID</th><th>Receiver URL</th><th>Tolerance</th><th>Created</th><th>Actions</th></tr></thead>
<tbody id="hooks"></tbody>
</table>
<div id="deliveries" hidden>
<h3 id="deliveries-title" tabindex="-1"></h3>
<table>
<caption id="deliveries-range"></caption>
<thead><tr><th>Webhook ID</th><th>Event type</th><th>Received</th><th>Bytes</th></tr></thead>
<tbody id="delivery-rows"></tbody>
</table>
</div>
</section>
<section aria-labelledby="portal-title">
<h2 id="portal-title" tabindex="-1">Portal sessions</h2>
<form id="session-create" class="fields">
<label>Customer ID <input id="customer" required maxlength="255" autocomplete="off"></label>
<label>Lasts <select id="ttl"><option value="900">15 minutes</option><option value="3600" selected>1 hour</option><option value="14400">4 hours</option><option value="86400">24 hours</option></select></label>
<button>Mint session</button>
</form>
<form id="session-revoke" class="fields">
<label>Session ID <input id="session-id" required autocomplete="off"></label>
<button class="danger">Revoke session</button>
</form>
<p class="hint">Sessions are not listed: mint one for a customer's browser, revoke one by its ID.</p>
</section>
</div>
</main>
<dialog id="ask" aria-labelledby="ask-title" aria-describedby="ask-text">
<form id="ask-form">
<h2 id="ask-title"></h2>
<p id="ask-text"></p>
<div id="ask-fields"></div>
<div class="row"><button id="ask-cancel" type="button" class="quiet">Cancel</button><button id="ask-ok"></button></div>
</form>
</dialog>
<script src="/dashboard/app.js"></script>
</body>
</html>
`;
