// sw.js: the service worker that lets the app open with no signal.  It keeps the app
// shell (every file of the built web/app, vendor files included) in a cache named by
// the build's version, serves it cache-first, and drops older versions on activation.
// It never touches /api/: a delivery must reach the core or fail visibly, never be
// answered from a cache.  The build (web/app_copy.cmake) fills in the version and files.

const VERSION = '__AYNI_APP_VERSION__';
const CACHE = `ayni-app-${VERSION}`;
const SHELL = ['__AYNI_APP_FILES__'];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((f) => new Request(f, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys())
      if (name.startsWith('ayni-app-') && name !== CACHE)
        await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/'))
    return; // the network's, untouched
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // A navigation (the start URL, a reload with a fragment) is the app's page: the
    // dashboard's own (dash.html), else the phone's.
    const page = url.pathname.endsWith('/dash.html') ? 'dash.html' : './';
    const key = req.mode === 'navigate' ? page : req;
    const hit = await cache.match(key, { ignoreSearch: req.mode === 'navigate' });
    if (hit)
      return hit;
    return fetch(req);
  })());
});
