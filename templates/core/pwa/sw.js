// E-Konseling's service worker (ekonseling/core/views_pwa.py renders it). It keeps the static files
// and the offline page, nothing else: the app's pages hold confidential content and are never
// stored. Requests other than GET, the socket and the app's own data requests go to the network
// untouched (a chat typed offline waits in the chat's outbox, static/js/chat.js).
const VERSION = {{ version|safe }};
const CACHE = "ekonseling-" + VERSION;
const OFFLINE_URL = {{ offline|safe }};
const PRECACHE = {{ assets|safe }};
// A collected static file's name carries its content hash (app.3f2a9c1b7e4d.css): it never changes.
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll([OFFLINE_URL, ...PRECACHE])).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((key) => key.startsWith("ekonseling-") && key !== CACHE).map((key) => caches.delete(key))))
  );
});

function staticFile(request) {
  return caches.open(CACHE).then((cache) =>
    cache.match(request).then((cached) => {
      const fresh = fetch(request).then((response) => {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (cached) {
        // Hashed: the copy is the file. Unhashed (development): use the copy, refresh it behind.
        if (!HASHED.test(new URL(request.url).pathname)) fresh.catch(() => {});
        return cached;
      }
      return fresh;
    })
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Pages from the network, always; the offline page when there is none.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (url.pathname.startsWith("/static/")) event.respondWith(staticFile(request));
});
