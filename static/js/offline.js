/* FieldLog offline side (issue 6): service worker, the queue's badge and list, sending.
 *
 * - Registers /sw.js; when a new version is installed, a notice asks her to tap to reload.
 * - Entries waiting on this phone (see store.js) show as a badge in the top bar and, on home
 *   and "My logs", as a list marked "waiting to send".
 * - They are sent oldest first through POST /api/v1/sync, then their photos one by one, when
 *   the page opens, when the connection returns and when she taps "Send now"; failures retry
 *   with exponential back-off. Entries the server refuses stay, marked with its reasons.
 * - Logging out clears the caches and the queue (a shared phone keeps nothing of hers).
 */
(function () {
  'use strict';
  const FieldLog = (window.FieldLog = window.FieldLog || {});
  const configEl = document.getElementById('fieldlog-config');
  if (!configEl) return;
  const config = JSON.parse(configEl.textContent);
  const t = config.text;
  const store = FieldLog.store;
  FieldLog.config = config;
  FieldLog.text = t;

  const CACHE_PREFIX = 'fieldlog-';
  const PAGES_CACHE_PREFIX = 'fieldlog-pages-';
  const ACCOUNT_KEY = 'fieldlog-account';
  const NOTICE_KEY = 'fieldlog-notice';
  const BACKOFF_FIRST = 2000;
  const BACKOFF_MAX = 5 * 60 * 1000;
  const BATCH = 25;
  const pageHooks = [];
  const sending = new Set();
  let timer = null;
  let flushing = null;

  const fmt = (text, values) =>
    text.replace(/%\((\w+)\)s/g, (m, key) => (key in values ? String(values[key]) : m));
  FieldLog.fmt = fmt;
  FieldLog.onPage = (hook) => pageHooks.push(hook);

  /* ---------- small helpers ---------- */

  function fetchWithTimeout(url, options, ms) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    return fetch(url, {...options, signal: controller.signal}).finally(() => clearTimeout(timer));
  }
  FieldLog.fetchWithTimeout = fetchWithTimeout;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A message at the top of the page, like the server's flashed ones. */
  function notice(message, kind) {
    const main = document.getElementById('main');
    if (!main) return;
    let node = main.querySelector('.flash.script-notice');
    if (!node) {
      node = el('p', 'flash script-notice');
      node.setAttribute('role', 'status');
      main.prepend(node);
    }
    node.className = `flash script-notice flash-${kind || 'info'}`;
    node.textContent = message;
  }
  FieldLog.notice = notice;
  FieldLog.noticeNext = (message, kind) => {
    try { sessionStorage.setItem(NOTICE_KEY, JSON.stringify([message, kind])); } catch (e) { /* private mode */ }
  };

  function showPendingNotice() {
    let saved = null;
    try {
      saved = sessionStorage.getItem(NOTICE_KEY);
      sessionStorage.removeItem(NOTICE_KEY);
    } catch (e) { return; }
    if (saved) notice(...JSON.parse(saved));
  }

  /** Show a page the server sent in answer to a fetch, as if the browser had navigated. */
  FieldLog.showPage = (html, url) => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));  // its scripts do not run again
    if (url && url !== location.href) history.replaceState(null, '', url);
    window.scrollTo(0, 0);
    initPage();
  };

  /* ---------- caches, account, logout ---------- */

  async function deleteCaches(prefix) {
    if (!('caches' in window)) return;
    for (const name of await caches.keys()) {
      if (name.startsWith(prefix)) await caches.delete(name);
    }
  }

  /** Pages kept for another account (or from before a logout) must not be shown to this one. */
  async function guardAccount() {
    const now = String(config.account || '');
    let before = null;
    try {
      before = localStorage.getItem(ACCOUNT_KEY);
      localStorage.setItem(ACCOUNT_KEY, now);
    } catch (e) { /* storage off */ }
    if (before !== null && before !== now) await deleteCaches(PAGES_CACHE_PREFIX);
  }

  async function forgetEverything() {
    await deleteCaches(CACHE_PREFIX);
    await store.destroy();
    try {
      localStorage.removeItem(ACCOUNT_KEY);
      sessionStorage.removeItem(NOTICE_KEY);
    } catch (e) { /* storage off */ }
    if ('serviceWorker' in navigator) {
      for (const reg of await navigator.serviceWorker.getRegistrations()) await reg.unregister();
    }
  }
  FieldLog.forgetEverything = forgetEverything;

  function hookLogout(root) {
    for (const form of root.querySelectorAll('form[action$="/auth/logout"]')) {
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        let unsent = 0;
        try { unsent = (await store.all(config.account)).length; } catch (e) { /* no IndexedDB */ }
        if (unsent && !window.confirm(fmt(t.logout_unsent, {n: unsent}))) return;
        try {
          await fetch(form.action, {
            method: 'POST', body: new FormData(form), credentials: 'same-origin', redirect: 'manual',
          });
        } catch (error) {
          notice(t.logout_offline, 'error');
          return;
        }
        await forgetEverything();
        location.assign(config.urls.login);
      });
    }
  }

  /* ---------- service worker ---------- */

  let updateAccepted = false;

  function offerUpdate(worker) {
    if (document.querySelector('.update-notice')) return;
    const button = el('button', 'update-notice', t.update_ready);
    button.type = 'button';
    button.addEventListener('click', () => {
      updateAccepted = true;
      button.disabled = true;
      worker.postMessage({type: 'skip-waiting'});
    });
    document.body.append(button);
    document.body.style.paddingBottom = '5rem';  // the notice never hides the page's last button
  }

  async function registerWorker() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (updateAccepted) location.reload();
    });
    let reg;
    try {
      reg = await navigator.serviceWorker.register(config.urls.sw, {scope: '/'});
    } catch (error) {
      return;  // e.g. plain http on a LAN address: the site still works online
    }
    const track = (worker) => {
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    };
    if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
    track(reg.installing);  // an update the browser found while the page was loading
    reg.addEventListener('updatefound', () => track(reg.installing));
    // No reg.update() here: the browser checks /sw.js itself after navigations (a 304 while
    // nothing changed), so a page view does not download it.
    if (config.member) {
      const ready = await navigator.serviceWorker.ready;
      if (ready.active) ready.active.postMessage({type: 'warm'});
    }
  }

  /* ---------- the queue on screen ---------- */

  function formUrl(entry) {
    return entry.edit_of ? `/logs/${entry.edit_of}/edit` : `/logs/new/${entry.duty}`;
  }

  function stateText(entry) {
    if (sending.has(entry.client_id)) return t.sending;
    if (entry.state === 'rejected') return t.rejected;
    if (entry.state === 'conflict') return t.conflict;
    if (entry.state === 'photo_failed') return fmt(t.photo_failed, {error: entry.error || ''});
    return t.waiting;
  }

  function row(entry) {
    const li = el('li', `log-row queued state-${entry.state}`);
    li.dataset.clientId = entry.client_id;
    let target = null;
    if (entry.state === 'rejected' || entry.state === 'conflict') {
      target = `${formUrl(entry)}#queued=${encodeURIComponent(entry.client_id)}`;
    } else if (entry.state === 'photo_failed' && entry.saved_id) {
      target = `/logs/${entry.saved_id}`;
    }
    const body = el(target ? 'a' : 'div', 'queued-body');
    if (target) body.href = target;
    body.append(
      el('span', 'log-date', entry.happened_on || ''),
      el('span', 'log-duty', entry.duty_name || entry.duty),
      el('span', 'queue-chip', stateText(entry)),
    );
    if (entry.summary) body.append(el('span', 'log-summary', entry.summary));
    if (entry.photos && entry.photos.length) {
      const thumbs = el('span', 'log-thumbs');
      for (const photo of entry.photos) {
        const img = el('img', 'log-thumb');
        img.src = photo.thumb;
        img.alt = '';
        thumbs.append(img);
      }
      body.append(thumbs);
    }
    const messages = [];
    if (entry.state === 'rejected' || entry.state === 'conflict') {
      for (const [name, list] of Object.entries(entry.errors || {})) {
        for (const message of [].concat(list)) {
          messages.push(fmt(t.field_error, {field: config.fields[name] || name, message}));
        }
      }
      if (entry.error && !messages.length) messages.push(entry.error);
    }
    if (messages.length) {
      const ul = el('ul', 'field-errors queue-errors');
      for (const message of messages) ul.append(el('li', '', message));
      body.append(ul);
    }
    li.append(body);
    if (['rejected', 'conflict', 'photo_failed'].includes(entry.state)) {
      const discard = el('button', 'link-button queue-discard', t.discard);
      discard.type = 'button';
      discard.addEventListener('click', async () => {
        if (entry.state !== 'photo_failed' && !window.confirm(t.discard_confirm)) return;
        await store.remove(entry.client_id);
        refresh();
      });
      li.append(discard);
    }
    return li;
  }

  function badge(count) {
    const bar = document.querySelector('.topbar');
    if (!bar) return;
    let link = bar.querySelector('.queue-badge');
    if (!link) {
      link = el('a', 'queue-badge');
      link.href = `${config.urls.logs}#queue`;
      const brand = bar.querySelector('.brand');
      if (brand) brand.after(link); else bar.prepend(link);
    }
    link.textContent = fmt(t.queued_badge, {n: count});
    link.hidden = count === 0;
  }

  async function refresh() {
    if (!config.account) return;
    let entries;
    try {
      entries = await store.all(config.account);
    } catch (error) {
      return;  // no IndexedDB (very old browser, private mode): pages work as before
    }
    badge(entries.length);
    for (const section of document.querySelectorAll('[data-queue-list]')) {
      const list = section.querySelector('.queue-list');
      list.replaceChildren(...entries.map(row));
      section.hidden = entries.length === 0;
      const send = section.querySelector('[data-queue-send]');
      if (send) send.hidden = !entries.some((e) => e.state === 'waiting');
    }
  }
  FieldLog.refresh = refresh;

  function status(message) {
    for (const node of document.querySelectorAll('[data-queue-list] .queue-status')) {
      node.textContent = message || '';
    }
  }

  /* ---------- sending ---------- */

  function backoff(attempts) {
    const delay = Math.min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** Math.max(0, attempts - 1));
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  function schedule(entries) {
    clearTimeout(timer);
    const next = entries
      .filter((e) => e.state === 'waiting' && e.next_try)
      .map((e) => e.next_try);
    if (next.length) timer = setTimeout(() => flush(false), Math.max(1000, Math.min(...next) - Date.now()));
  }

  async function failed(entries, error) {
    for (const entry of entries) {
      entry.attempts = (entry.attempts || 0) + 1;
      entry.next_try = Date.now() + backoff(entry.attempts);
      entry.last_error = String(error && error.message || error || '');
      await store.put(entry);
    }
    status(navigator.onLine === false ? t.offline_now : t.retry_later);
  }

  class HttpError extends Error {
    constructor(status) {
      super(`HTTP ${status}`);
      this.status = status;
    }
  }

  async function api(method, url, body, token, ms) {
    const headers = {Accept: 'application/json'};
    if (token) headers['X-CSRFToken'] = token;
    let payload = body;
    if (body && !(body instanceof FormData)) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetchWithTimeout(
      url, {method, headers, body: payload, credentials: 'same-origin'}, ms || 30000);
    return response;
  }

  function syncItem(entry) {
    const item = {client_id: entry.client_id, duty: entry.duty, happened_on: entry.happened_on};
    Object.assign(item, entry.fields);
    if (entry.edit_of) {
      item.log_id = entry.edit_of;
      item.version = entry.version;
    }
    return item;
  }

  /** Upload the photos not sent yet; true when none is left. */
  async function sendPhotos(entry, token) {
    if (!entry.saved_id) return true;  // deleted on the server meanwhile: nothing to attach to
    const mine = new Set(entry.photos.map((p) => p.client_id));
    const onServer = entry.server_photos || [];
    // The page form may have carried the photos before its answer was lost: the server then
    // has this entry with photos that are not ours by client_id. Do not send them twice.
    if (entry.page_posted && entry.sync_status === 'exists' && onServer.length &&
        !onServer.some((p) => mine.has(p.client_id))) {
      return true;
    }
    for (const photo of entry.photos) {
      if (photo.sent) continue;
      const body = new FormData();
      body.append('file', photo.blob, `${photo.client_id}.jpg`);
      body.append('client_id', photo.client_id);
      const url = config.urls.photos.replace('{id}', entry.saved_id);
      const response = await api('POST', url, body, token, 20000 + photo.blob.size / 10);
      if (response.ok) {
        photo.sent = true;
        await store.put(entry);
      } else if (response.status >= 400 && response.status < 500 &&
                 ![401, 408, 429].includes(response.status)) {
        // Refused for good (not a picture, too many photos, the log is gone): say so.
        let reason = '';
        try {
          const answer = await response.json();
          reason = (answer.fields && answer.fields.file && answer.fields.file[0]) || answer.error || '';
        } catch (e) { /* not JSON */ }
        entry.state = 'photo_failed';
        entry.error = reason;
        await store.put(entry);
        return false;
      } else {
        throw new HttpError(response.status);
      }
    }
    return true;
  }

  async function token() {
    const response = await api('GET', config.urls.me);
    if (!response.ok) throw new HttpError(response.status);
    const me = await response.json();
    if (me.id !== config.account) throw new HttpError(401);
    return me.csrf_token;
  }

  function record(entry, result) {
    entry.sync_status = result.status;
    if (['created', 'exists', 'updated'].includes(result.status)) {
      entry.acked = true;
      entry.saved_id = result.log ? result.log.id : entry.edit_of;
      entry.server_photos = (result.log && result.log.photos) || [];
    } else if (result.status === 'rejected' || result.status === 'conflict') {
      entry.state = result.status;
      entry.errors = result.fields || {};
      entry.error = result.error || '';
      if (result.status === 'conflict' && result.log) entry.server_version = result.log.version;
    }
  }

  async function flushOnce(force) {
    const entries = await store.all(config.account);
    const now = Date.now();
    const due = entries.filter((e) => e.state === 'waiting' && (force || !e.next_try || e.next_try <= now));
    if (!due.length) return schedule(entries);
    if (navigator.onLine === false) {
      status(t.offline_now);
      return schedule(entries);
    }
    due.forEach((e) => sending.add(e.client_id));
    refresh();
    let csrf;
    try {
      csrf = await token();
    } catch (error) {
      if (error.status === 401) return status(t.login_to_send);
      await failed(due, error);
      return schedule(await store.all(config.account));
    }
    let sent = 0;
    try {
      const fresh = due.filter((e) => !e.acked);
      for (let i = 0; i < fresh.length; i += BATCH) {
        const batch = fresh.slice(i, i + BATCH);
        const response = await api('POST', config.urls.sync, {entries: batch.map(syncItem)}, csrf);
        if (!response.ok) throw new HttpError(response.status);
        const {results} = await response.json();
        for (const result of results) {
          const entry = batch.find((e) => e.client_id === result.client_id);
          if (!entry) continue;
          record(entry, result);
          await store.put(entry);
        }
      }
      for (const entry of due) {
        if (!entry.acked || entry.state !== 'waiting') continue;
        if (await sendPhotos(entry, csrf)) {
          await store.remove(entry.client_id);
          sent += 1;
        }
        sending.delete(entry.client_id);
      }
    } catch (error) {
      await failed(due.filter((e) => e.state === 'waiting'), error);
    }
    if (sent) {
      // Reload her list so the sent entries show as saved, the duties as done.
      if (document.querySelector('[data-queue-list]') && !document.querySelector('form.log-form')) {
        FieldLog.noticeNext(fmt(t.sent, {n: sent}), 'success');
        location.reload();
        return;
      }
      notice(fmt(t.sent, {n: sent}), 'success');
    }
    schedule(await store.all(config.account));
  }

  /** Send what is due (everything waiting when ``force``), one run at a time. */
  function flush(force) {
    if (!config.account || !config.member) return Promise.resolve();
    if (!flushing) {
      flushing = flushOnce(force)
        .catch(() => null)
        .finally(() => {
          flushing = null;
          sending.clear();
          refresh();
        });
    }
    return flushing;
  }
  FieldLog.flush = flush;

  /* ---------- start ---------- */

  function initPage() {
    showPendingNotice();
    hookLogout(document);
    for (const button of document.querySelectorAll('[data-queue-send]')) {
      button.addEventListener('click', () => {
        if (navigator.onLine === false) status(t.offline_now);
        flush(true);
      });
    }
    for (const hook of pageHooks) hook();
    refresh();
  }

  async function start() {
    initPage();
    await guardAccount();
    registerWorker();
    flush(false);
  }

  window.addEventListener('online', () => flush(true));
  window.addEventListener('offline', () => status(t.offline_now));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') flush(false);
  });
  // Photo thumbnails cannot load without a network: hide them rather than show a broken icon.
  document.addEventListener('error', (event) => {
    if (event.target.matches && event.target.matches('img.log-thumb')) event.target.hidden = true;
  }, true);

  // Deferred scripts run while readyState is 'interactive', before DOMContentLoaded: wait for
  // it, so that the scripts after this one (logform.js) have registered their page hooks.
  if (document.readyState === 'complete') start();
  else document.addEventListener('DOMContentLoaded', start);
})();
