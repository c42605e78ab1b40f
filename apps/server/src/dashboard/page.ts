// The dashboard is one static page and one script, inlined here so the build ships them
// without copying assets. The script talks to the same API as any client, with the key the
// person pastes; it keeps that key in memory only (gone on reload) and writes every value
// with textContent, never innerHTML, so a key name cannot inject markup.

/** The dashboard's HTML. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>keyward dashboard</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #ddd; }
code, input { font-family: ui-monospace, monospace; } input[type=password] { width: 36rem; max-width: 100%; }
#created { background: #fff7d6; padding: .6rem; border: 1px solid #e0c96b; } #error { color: #a00; } [hidden] { display: none; }
</style>
</head>
<body>
<h1>keyward</h1>
<form id="login"><label>API key <input id="key" type="password" autocomplete="off" required></label> <button>Use</button></form>
<p id="error" role="alert"></p>
<section id="main" hidden>
<p id="who"></p>
<form id="create"><label>New key name <input id="name" required maxlength="255"></label>
<label>scopes <input id="scopes" placeholder="keys:read keys:write (default: yours)"></label> <button>Create</button></form>
<div id="created" hidden><p>Copy this key now: it will not be shown again.</p><code id="created-key"></code></div>
<table><thead><tr><th>name</th><th>id</th><th>key</th><th>status</th><th>scopes</th><th>expires</th><th></th></tr></thead><tbody id="keys"></tbody></table>
</section>
<script src="/dashboard/app.js"></script>
</body>
</html>
`;

/** The dashboard's script. */
export const DASHBOARD_JS = `'use strict';
(() => {
  let apiKey = '';
  const $ = (id) => document.getElementById(id);
  const showError = (text) => { $('error').textContent = text || ''; };
  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: Object.assign({ 'x-api-key': apiKey }, body ? { 'content-type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status === 204) return null;
    const json = await res.json();
    if (!res.ok) throw new Error(json.error ? json.error.code + ': ' + json.error.message : 'HTTP ' + res.status);
    return json;
  }
  function cell(text) { const td = document.createElement('td'); td.textContent = text; return td; }
  async function refresh() {
    const page = await call('GET', '/v1/secrets/api/keys?limit=100');
    const rows = page.items.map((k) => {
      const tr = document.createElement('tr');
      [k.name, k.id, k.display_id, k.status, k.scopes.join(' '), k.expires_at || 'never'].forEach((t) => tr.appendChild(cell(t)));
      const td = document.createElement('td');
      const button = document.createElement('button');
      button.textContent = 'Revoke';
      button.addEventListener('click', async () => {
        if (!confirm('Revoke ' + k.name + '? It stops working at once.')) return;
        try { await call('DELETE', '/v1/secrets/api/keys/' + encodeURIComponent(k.id)); await refresh(); } catch (e) { showError(e.message); }
      });
      td.appendChild(button);
      tr.appendChild(td);
      return tr;
    });
    $('keys').replaceChildren(...rows);
  }
  $('login').addEventListener('submit', async (event) => {
    event.preventDefault();
    apiKey = $('key').value.trim();
    $('key').value = '';
    showError('');
    try {
      const me = await call('GET', '/v1/me');
      $('who').textContent = me.name + ' — tenant ' + me.tenant_id + ', environment ' + me.environment_id + ', scopes ' + me.scopes.join(' ');
      $('main').hidden = false;
      await refresh();
    } catch (e) { $('main').hidden = true; showError(e.message); }
  });
  $('create').addEventListener('submit', async (event) => {
    event.preventDefault();
    showError('');
    const scopes = $('scopes').value.trim();
    const body = { name: $('name').value };
    if (scopes) body.scopes = scopes.split(/\\s+/);
    try {
      const created = await call('POST', '/v1/secrets/api/keys', body);
      $('created-key').textContent = created.api_key;
      $('created').hidden = false;
      $('name').value = '';
      await refresh();
    } catch (e) { showError(e.message); }
  });
})();
`;
