/* FieldLog service worker (issue 6).
 *
 * Served at /sw.js by fieldlog/offline.py, which puts `const FIELDLOG = {...}` in front of this
 * file: the cache version, the static files and offline page to precache, and the shell pages.
 *
 * - Static files and the offline page: precached at install (the static files from the HTTP
 *   cache, by their fingerprinted URLs), served from the cache.
 * - Shell pages (home, her logs, the duty forms): network first; after a short wait, or with no
 *   network, the copy kept from her last visit. Only responses the server marks with
 *   X-FieldLog-Shell are kept (her own pages, no one-time messages).
 * - Any other page: the network; without one, the plain "needs the network" page.
 * - The API, photos, exports: never touched, never cached.
 * A new version installs next to the old one and waits until the page asks it to take over
 * (the "new version ready" notice); it then deletes every older cache.
 */
/* global FIELDLOG */
'use strict';

const PREFIX = 'fieldlog-';
const STATIC_CACHE = PREFIX + 'static-' + FIELDLOG.version;
const PAGES_CACHE = PREFIX + 'pages-' + FIELDLOG.version;
const SHELL = new Set(FIELDLOG.shell);

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    // Static files are listed by their fingerprinted URLs (?v=<hash>), the ones the pages
    // load: the browser's HTTP cache holds them for a year, so a page just visited hands them
    // over without a second download, and a new version has new URLs. The offline page has
    // no fingerprint: it is asked for past the HTTP cache ('reload'). 'omit' for it: it is
    // the same for everyone and never touches a cookie.
    await cache.addAll(FIELDLOG.precache.map((url) => url.includes('?v=') ?
        new Request(url, {credentials: 'same-origin'}) :
        new Request(url, {cache: 'reload', credentials: 'omit'})));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([STATIC_CACHE, PAGES_CACHE]);
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && !keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'skip-waiting') {
    self.skipWaiting();
  } else if (data.type === 'warm') {
    event.waitUntil(warmShell());
  } else if (data.type === 'version' && event.ports[0]) {
    event.ports[0].postMessage({version: FIELDLOG.version});
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event, url));
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(fromCacheFirst(request));
  }
  // Everything else (API, photos, exports) goes to the network untouched.
});

function shellKey(url) {
  return SHELL.has(url.pathname) ? url.pathname : null;
}

async function fromCacheFirst(request) {
  const cached = await caches.match(request, {cacheName: STATIC_CACHE});
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch (error) {
    // No network: another version of the file is better than none.
    const older = await caches.match(request, {cacheName: STATIC_CACHE, ignoreSearch: true});
    if (older) return older;
    throw error;
  }
}

async function offlinePage() {
  const cached = await caches.match(FIELDLOG.offline, {cacheName: STATIC_CACHE});
  return cached || new Response('<!doctype html><meta charset="utf-8"><title>FieldLog</title>' +
      '<p>这个页面需要网络，请连上网络后再打开。</p>',
      {status: 503, headers: {'Content-Type': 'text/html; charset=utf-8'}});
}

function keepable(response) {
  return response.ok && !response.redirected && response.headers.get('X-FieldLog-Shell') === '1';
}

function timeout(ms) {
  return new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), ms));
}

async function navigate(event, url) {
  const key = shellKey(url);
  if (!key) {
    try {
      return await fetch(event.request);
    } catch (error) {
      return offlinePage();
    }
  }
  const network = fetch(event.request);
  // Keep a fresh copy even if the cached one is shown because the network was slow.
  event.waitUntil(network.then(async (response) => {
    if (keepable(response)) {
      const copy = response.clone();
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(key, copy);
    }
  }).catch(() => null));
  try {
    return await Promise.race([network, timeout(FIELDLOG.navigationTimeout)]);
  } catch (error) {
    const cached = await caches.match(key, {cacheName: PAGES_CACHE});
    if (cached) return cached;
    try {
      return await network;  // slow but no copy: keep waiting for it
    } catch (again) {
      return offlinePage();
    }
  }
}

/* Fetch the shell pages not kept yet, so they open without a network next time. Several
 * pages open at once ask together: one round runs at a time, so no page is fetched twice. */
let warming = null;

function warmShell() {
  if (!warming) warming = warmMissing().finally(() => { warming = null; });
  return warming;
}

async function warmMissing() {
  const cache = await caches.open(PAGES_CACHE);
  for (const path of FIELDLOG.shell) {
    if (await cache.match(path)) continue;
    try {
      const response = await fetch(path, {credentials: 'same-origin', redirect: 'manual'});
      if (keepable(response)) await cache.put(path, response);
    } catch (error) {
      return;  // no network: try again on the next page
    }
  }
}
