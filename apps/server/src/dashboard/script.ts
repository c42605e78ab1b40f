// The dashboard's script, served as /dashboard/app.js. It talks to the same API as any client,
// with the key the person pastes, which it keeps in this closure only (gone on reload or Sign
// out: never in storage, a cookie or the URL). Every value is written with textContent or as an
// attribute, never as markup, so a key named <img onerror=…> stays text. Secrets the API shows
// once (a new key, a session token, a webhook secret) are shown in one box, taken away again when
// what they open is revoked.

/** The dashboard's script. */
export const DASHBOARD_JS = `'use strict';
(() => {
  const KEYS = '/v1/secrets/api/keys';
  const HOOKS = '/v1/webhooks/endpoints';
  const SESSIONS = '/v1/portal/sessions';
  // Keys a page: a table an operator can scan, and few requests to page through hundreds.
  const PAGE = 25;
  const KEY_GRACE = [[0, 'None: the old key stops at once'], [3600, '1 hour'], [86400, '1 day'], [604800, '7 days'], [2592000, '30 days']];
  const HOOK_GRACE = [[0, 'None: the old secret stops at once'], [3600, '1 hour'], [86400, '1 day'], [604800, '7 days']];

  let apiKey = '';
  let me = null;
  let keysOffset = 0;
  // What the secret box shows the plaintext of ('key:<id>', 'endpoint:<id>', 'session:<id>').
  let secretFor = null;
  let secretHome = 'keys-title';
  let deliveriesFor = null;
  let busy = false;
  const rowButtons = new Map();

  const $ = (id) => document.getElementById(id);
  const showError = (text) => { $('error').textContent = text || ''; };
  const say = (text) => { $('status').textContent = text || ''; };
  const focus = (node) => { if (node) node.focus(); };
  const path = (base, id, tail) => base + '/' + encodeURIComponent(id) + (tail || '');

  async function call(method, url, body) {
    const res = await fetch(url, {
      method,
      headers: Object.assign({ 'x-api-key': apiKey }, body ? { 'content-type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      credentials: 'omit',
    });
    if (res.status === 204) return null;
    let json = null;
    try { json = await res.json(); } catch (e) { json = null; }
    if (!res.ok || json === null) {
      throw new Error(json && json.error ? json.error.code + ': ' + json.error.message : 'HTTP ' + res.status);
    }
    return json;
  }

  // One action at a time; its error goes to the alert line, whatever the action was.
  async function run(action) {
    if (busy) return;
    busy = true;
    showError('');
    try { await action(); } catch (e) { showError(e.message); } finally { busy = false; }
  }

  // Times in UTC to the minute: the same for every operator, wherever they are.
  const when = (iso) => (iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : 'never');

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    if (children) node.append(...children);
    return node;
  }
  const cell = (label, text, className) => el('td', { 'data-label': label, class: className || '', text });
  function button(text, label, action, className) {
    const node = el('button', { type: 'button', class: className || 'quiet', 'aria-label': label, text });
    node.addEventListener('click', () => run(action));
    return node;
  }
  function field(text, input) {
    const label = el('label', { text });
    label.append(input);
    return label;
  }
  function choice(options, selected) {
    const node = el('select');
    for (const [value, text] of options) {
      const option = el('option', { value: String(value), text });
      option.selected = value === selected;
      node.append(option);
    }
    return node;
  }
  // What a row's buttons call it: its name, and which one where two rows share a name (a rotated
  // key and its successor), so that a screen reader hears "Revoke ci (3f2a…)", not "Revoke" ten times.
  function labelsOf(items, nameOf, tagOf) {
    const seen = new Map();
    for (const item of items) seen.set(nameOf(item), (seen.get(nameOf(item)) || 0) + 1);
    return (item) => (seen.get(nameOf(item)) > 1 ? nameOf(item) + ' (' + tagOf(item) + ')' : nameOf(item));
  }

  // A modal question: resolves to read()'s answer on OK, or null on Cancel or Escape, after
  // which focus goes back where it was.
  function ask(question) {
    const dialog = $('ask');
    const back = document.activeElement;
    $('ask-title').textContent = question.title;
    $('ask-text').textContent = question.text;
    $('ask-ok').textContent = question.ok;
    $('ask-ok').className = question.danger ? 'danger' : '';
    $('ask-fields').replaceChildren(...(question.fields || []));
    return new Promise((resolve) => {
      const form = $('ask-form');
      const cancel = $('ask-cancel');
      const finish = (answer) => {
        form.removeEventListener('submit', onSubmit);
        cancel.removeEventListener('click', onCancel);
        dialog.removeEventListener('close', onCancel);
        if (dialog.open) dialog.close();
        $('ask-fields').replaceChildren();
        if (answer === null && back && back.isConnected) back.focus();
        resolve(answer);
      };
      const onSubmit = (event) => { event.preventDefault(); finish(question.read ? question.read() : true); };
      const onCancel = () => finish(null);
      form.addEventListener('submit', onSubmit);
      cancel.addEventListener('click', onCancel);
      dialog.addEventListener('close', onCancel);
      dialog.showModal();
      // A destructive question starts on Cancel, so that Enter alone never destroys.
      focus(question.focus || cancel);
      if (question.focus && question.focus.select) question.focus.select();
    });
  }

  function showSecret(secret) {
    $('secret-title').textContent = secret.title;
    $('secret-value').textContent = secret.value;
    $('secret-detail').textContent = secret.detail || '';
    $('copy').textContent = 'Copy ' + secret.kind;
    $('copy-status').textContent = '';
    secretFor = secret.of;
    secretHome = secret.home;
    $('secret').hidden = false;
  }
  function hideSecret() {
    for (const id of ['secret-title', 'secret-value', 'secret-detail', 'copy-status']) $(id).textContent = '';
    $('secret').hidden = true;
    secretFor = null;
  }
  // What a revoked key, session or endpoint opened is useless now: its plaintext goes with it.
  function forget(of) { if (secretFor === of) hideSecret(); }

  // Keys.
  async function loadKeys() {
    const pageAt = (offset) => call('GET', KEYS + '?limit=' + PAGE + '&offset=' + offset);
    let page = await pageAt(keysOffset);
    // The last key of the last page went (revoked here or elsewhere): show the last page there is.
    if (page.items.length === 0 && keysOffset > 0) {
      keysOffset = Math.max(0, Math.ceil(page.pagination.total / PAGE) - 1) * PAGE;
      page = await pageAt(keysOffset);
    }
    const labelOf = labelsOf(page.items, (k) => k.name, (k) => k.display_id);
    rowButtons.clear();
    const rows = page.items.map((k) => {
      const label = labelOf(k);
      const actions = el('div', { class: 'actions' });
      const add = (action, text, handler, className) => {
        const node = button(text, text + ' ' + label, handler, className);
        rowButtons.set(k.id + ' ' + action, node);
        actions.append(node);
      };
      add('rename', 'Rename', () => renameKey(k, label));
      // Rotation hands out a working key: only an active key has one to hand on.
      if (k.status === 'active') add('rotate', 'Rotate', () => rotateKey(k, label));
      if (k.status === 'active') add('toggle', 'Deactivate', () => setActive(k, label, false));
      if (k.status === 'inactive') add('toggle', 'Reactivate', () => setActive(k, label, true));
      add('revoke', 'Revoke', () => revokeKey(k, label), 'danger');
      return el('tr', {}, [
        cell('Name', k.name, 'wrap'),
        cell('ID', k.id, 'mono wrap'),
        cell('Key', k.display_id, 'mono nowrap'),
        cell('Status', k.status, 'nowrap status-' + k.status),
        cell('Scopes', k.scopes.join(' '), 'mono'),
        cell('Expires', when(k.expires_at), 'nowrap'),
        cell('Last used', when(k.last_used_at), 'nowrap'),
        el('td', { 'data-label': 'Actions' }, [actions]),
      ]);
    });
    $('keys').replaceChildren(...rows);
    const total = page.pagination.total;
    $('keys-range').textContent =
      total === 0 ? 'No keys yet.' : 'Keys ' + (keysOffset + 1) + '–' + (keysOffset + page.items.length) + ' of ' + total;
    $('prev').disabled = keysOffset === 0;
    $('next').disabled = keysOffset + page.items.length >= total;
  }

  async function createKey() {
    const body = { name: $('name').value.trim() };
    const scopes = $('scopes').value.trim();
    if (scopes) body.scopes = scopes.split(/\\s+/);
    if ($('expires').value) {
      const at = new Date($('expires').value);
      if (Number.isNaN(at.getTime())) throw new Error('Expires: not a date and time');
      body.expires_at = at.toISOString();
    }
    const created = await call('POST', KEYS, body);
    $('create').reset();
    showSecret({
      title: 'New key ' + created.secret.name,
      value: created.api_key,
      detail: 'Scopes ' + created.secret.scopes.join(' ') + '; expires ' + when(created.secret.expires_at) + '.',
      kind: 'key',
      of: 'key:' + created.secret.id,
      home: 'keys-title',
    });
    say('Created ' + created.secret.name + '.');
    keysOffset = 0;
    await loadKeys();
    focus($('copy'));
  }

  async function rotateKey(k, label) {
    const grace = choice(KEY_GRACE, 3600);
    const seconds = await ask({
      title: 'Rotate ' + label + '?',
      text: 'A new key with the same name, scopes and expiry is shown once. The old key keeps working for the grace period, then stops; if it leaked, choose None.',
      ok: 'Rotate',
      fields: [field('Grace period for the old key', grace)],
      focus: grace,
      read: () => Number(grace.value),
    });
    if (seconds === null) return;
    const graceText = grace.options[grace.selectedIndex].text;
    const rotated = await call('POST', path(KEYS, k.id, '/rotate'), { grace_period_seconds: seconds });
    showSecret({
      title: 'New key for ' + k.name,
      value: rotated.api_key,
      detail:
        seconds === 0
          ? 'The old key ' + k.display_id + ' is revoked.'
          : 'The old key ' + k.display_id + ' keeps working for ' + graceText + ', then stops.',
      kind: 'key',
      of: 'key:' + rotated.secret.id,
      home: 'keys-title',
    });
    say('Rotated ' + label + '.');
    keysOffset = 0;
    await loadKeys();
    focus($('copy'));
  }

  async function setActive(k, label, active) {
    await call('PATCH', path(KEYS, k.id), { active });
    say(active ? 'Reactivated ' + label + ': it works again.' : 'Deactivated ' + label + ': it is refused until reactivated.');
    await loadKeys();
    focus(rowButtons.get(k.id + ' toggle') || $('keys-title'));
  }

  async function renameKey(k, label) {
    const input = el('input', { required: '', maxlength: '255', autocomplete: 'off' });
    input.value = k.name;
    const name = await ask({
      title: 'Rename ' + label,
      text: 'Only the name changes: the key, its scopes and its expiry stay.',
      ok: 'Rename',
      fields: [field('New name', input)],
      focus: input,
      read: () => input.value.trim(),
    });
    if (name === null) return;
    await call('PATCH', path(KEYS, k.id), { name });
    say('Renamed ' + k.name + ' to ' + name + '.');
    await loadKeys();
    focus(rowButtons.get(k.id + ' rename') || $('keys-title'));
  }

  async function revokeKey(k, label) {
    const yes = await ask({
      title: 'Revoke ' + label + '?',
      text: label + ' (key ' + k.display_id + ') stops working at once: every request with it is refused. This cannot be undone.',
      ok: 'Revoke ' + label,
      danger: true,
    });
    if (yes === null) return;
    await call('DELETE', path(KEYS, k.id));
    forget('key:' + k.id);
    say('Revoked ' + label + '.');
    await loadKeys();
    focus($('keys-title'));
  }

  // Webhook endpoints.
  const receiverUrl = (endpoint) =>
    location.origin + '/v1/webhooks/' + encodeURIComponent(me.tenant_id) + '/' + encodeURIComponent(me.environment_id) + '/' + encodeURIComponent(endpoint.id);

  async function loadHooks() {
    const list = await call('GET', HOOKS);
    const labelOf = labelsOf(list.items, (h) => h.name || h.id, (h) => h.id);
    const rows = list.items.map((h) => {
      const label = labelOf(h);
      const actions = el('div', { class: 'actions' }, [
        button('Deliveries', 'Deliveries of ' + label, () => showDeliveries(h, label)),
        button('Rotate secret', 'Rotate secret of ' + label, () => rotateHook(h, label)),
        button('Delete', 'Delete ' + label, () => deleteHook(h, label), 'danger'),
      ]);
      return el('tr', {}, [
        cell('Name', h.name || '(unnamed)', 'wrap'),
        cell('ID', h.id, 'mono wrap'),
        cell('Receiver URL', receiverUrl(h), 'mono wrap'),
        cell('Tolerance', h.tolerance_seconds + ' s', 'nowrap'),
        cell('Created', when(h.created_at), 'nowrap'),
        el('td', { 'data-label': 'Actions' }, [actions]),
      ]);
    });
    $('hooks').replaceChildren(...rows);
    const n = list.items.length;
    $('hooks-range').textContent = n === 0 ? 'No endpoints yet.' : n + (n === 1 ? ' endpoint' : ' endpoints');
  }

  async function createHook() {
    const body = {};
    const name = $('hook-name').value.trim();
    if (name) body.name = name;
    if ($('hook-tolerance').value) body.tolerance_seconds = Number($('hook-tolerance').value);
    const created = await call('POST', HOOKS, body);
    $('hook-create').reset();
    const label = created.name || created.id;
    showSecret({
      title: 'Signing secret of endpoint ' + label,
      value: created.secret,
      detail: 'Give it to the sender, who signs each delivery with it and posts it to ' + receiverUrl(created) + '.',
      kind: 'secret',
      of: 'endpoint:' + created.id,
      home: 'hooks-title',
    });
    say('Created endpoint ' + label + '.');
    await loadHooks();
    focus($('copy'));
  }

  async function rotateHook(h, label) {
    const grace = choice(HOOK_GRACE, 86400);
    const seconds = await ask({
      title: 'Rotate the secret of ' + label + '?',
      text: 'A new signing secret is shown once. Deliveries signed with the old one keep verifying for the grace period.',
      ok: 'Rotate secret',
      fields: [field('Grace period for the old secret', grace)],
      focus: grace,
      read: () => Number(grace.value),
    });
    if (seconds === null) return;
    const rotated = await call('POST', path(HOOKS, h.id, '/rotate-secret'), { grace_period_seconds: seconds });
    showSecret({
      title: 'New signing secret of endpoint ' + label,
      value: rotated.secret,
      detail: 'Give it to the sender. ' + (seconds === 0 ? 'The old secret no longer verifies.' : 'The old secret verifies for ' + grace.options[grace.selectedIndex].text + ' more.'),
      kind: 'secret',
      of: 'endpoint:' + h.id,
      home: 'hooks-title',
    });
    say('Rotated the secret of ' + label + '.');
    await loadHooks();
    focus($('copy'));
  }

  async function deleteHook(h, label) {
    const yes = await ask({
      title: 'Delete ' + label + '?',
      text: 'Deliveries to it are refused from now on, and its record of deliveries goes with it. This cannot be undone.',
      ok: 'Delete ' + label,
      danger: true,
    });
    if (yes === null) return;
    await call('DELETE', path(HOOKS, h.id));
    forget('endpoint:' + h.id);
    if (deliveriesFor === h.id) { deliveriesFor = null; $('deliveries').hidden = true; }
    say('Deleted endpoint ' + label + '.');
    await loadHooks();
    focus($('hooks-title'));
  }

  async function showDeliveries(h, label) {
    const page = await call('GET', path(HOOKS, h.id, '/deliveries') + '?limit=50');
    $('delivery-rows').replaceChildren(
      ...page.items.map((d) =>
        el('tr', {}, [
          cell('Webhook ID', d.webhook_id, 'mono wrap'),
          cell('Event type', d.event_type || '(none)', 'wrap'),
          cell('Received', when(d.received_at), 'nowrap'),
          cell('Bytes', String(d.size)),
        ]),
      ),
    );
    const total = page.pagination.total;
    $('deliveries-title').textContent = 'Deliveries of ' + label;
    $('deliveries-range').textContent = total === 0 ? 'None received yet.' : 'The latest ' + page.items.length + ' of ' + total;
    deliveriesFor = h.id;
    $('deliveries').hidden = false;
    focus($('deliveries-title'));
  }

  // Portal sessions: minted for a customer's browser, revoked by id (the API lists none).
  async function mintSession() {
    const customer = $('customer').value.trim();
    const created = await call('POST', SESSIONS, { customer_id: customer, ttl_seconds: Number($('ttl').value) });
    $('session-create').reset();
    $('session-id').value = created.session_id;
    showSecret({
      title: 'Session token for customer ' + customer,
      value: created.token,
      detail: 'Session ' + created.session_id + ', until ' + when(created.expires_at) + ". The customer's browser sends it in X-Session-Token.",
      kind: 'token',
      of: 'session:' + created.session_id,
      home: 'portal-title',
    });
    say('Minted a session for ' + customer + '.');
    focus($('copy'));
  }

  async function revokeSession() {
    const id = $('session-id').value.trim();
    const yes = await ask({
      title: 'Revoke session ' + id + '?',
      text: 'Its token is refused from now on, on every instance.',
      ok: 'Revoke session',
      danger: true,
    });
    if (yes === null) return;
    await call('DELETE', path(SESSIONS, id));
    forget('session:' + id);
    $('session-revoke').reset();
    say('Revoked session ' + id + '.');
    focus($('portal-title'));
  }

  // Signing in and out.
  async function signIn(pasted) {
    apiKey = pasted;
    try {
      me = await call('GET', '/v1/me');
    } catch (e) {
      apiKey = '';
      throw e;
    }
    $('who').textContent = me.name + ' — tenant ' + me.tenant_id + ', environment ' + me.environment_id + ', scopes ' + me.scopes.join(' ');
    $('who').hidden = false;
    $('sign-out').hidden = false;
    $('login').hidden = true;
    $('main').hidden = false;
    say('');
    keysOffset = 0;
    await Promise.all([loadKeys(), loadHooks()]);
    focus($('keys-title'));
  }

  function signOut() {
    apiKey = '';
    me = null;
    keysOffset = 0;
    deliveriesFor = null;
    hideSecret();
    if ($('ask').open) $('ask').close();
    for (const form of document.querySelectorAll('form')) form.reset();
    for (const id of ['keys', 'hooks', 'delivery-rows']) $(id).replaceChildren();
    $('deliveries').hidden = true;
    $('who').textContent = '';
    $('who').hidden = true;
    $('sign-out').hidden = true;
    $('main').hidden = true;
    $('login').hidden = false;
    showError('');
    say('Signed out: this page has forgotten the key.');
    focus($('key'));
  }

  const onSubmit = (id, action) =>
    $(id).addEventListener('submit', (event) => {
      event.preventDefault();
      run(action);
    });
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const pasted = $('key').value.trim();
    $('key').value = '';
    run(() => signIn(pasted));
  });
  onSubmit('create', createKey);
  onSubmit('hook-create', createHook);
  onSubmit('session-create', mintSession);
  onSubmit('session-revoke', revokeSession);
  $('sign-out').addEventListener('click', signOut);
  $('prev').addEventListener('click', () =>
    run(async () => {
      keysOffset = Math.max(0, keysOffset - PAGE);
      await loadKeys();
      say($('keys-range').textContent);
      if ($('prev').disabled) focus($('next'));
    }),
  );
  $('next').addEventListener('click', () =>
    run(async () => {
      keysOffset += PAGE;
      await loadKeys();
      say($('keys-range').textContent);
      if ($('next').disabled) focus($('prev'));
    }),
  );
  $('refresh').addEventListener('click', () =>
    run(async () => {
      await Promise.all([loadKeys(), loadHooks()]);
      say('Refreshed: ' + $('keys-range').textContent);
    }),
  );
  $('copy').addEventListener('click', async () => {
    const text = $('secret-value').textContent;
    try {
      await navigator.clipboard.writeText(text);
      $('copy-status').textContent = 'Copied to the clipboard.';
    } catch (e) {
      // No clipboard API (a page served over plain HTTP to another host): select it for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents($('secret-value'));
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      $('copy-status').textContent = 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.';
    }
  });
  $('secret-done').addEventListener('click', () => {
    const home = secretHome;
    hideSecret();
    focus($(home));
  });
})();
`;
