// store.js: the phone's storage, in IndexedDB: settings (device name and secret, the
// core's public key, the last sync), the manifests of its team's shipments on the road,
// the queue of confirmations and their photos.  A scan and its photo are written in one
// transaction, so neither exists without the other.  The same interface in memory is
// tests/webapp/memstore.mjs; keep the two in step.

const DB_NAME = 'ayni';
const DB_VERSION = 1;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

function open(indexedDB) {
  const req = indexedDB.open(DB_NAME, DB_VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    db.createObjectStore('settings');
    db.createObjectStore('manifests', { keyPath: 'code' });
    db.createObjectStore('queue', { keyPath: 'scan_id' });
    db.createObjectStore('photos', { keyPath: 'sha256' });
  };
  return request(req);
}

// The store, once IndexedDB is open; rejects if the browser refuses storage.
export async function openStore(indexedDB = globalThis.indexedDB) {
  const db = await open(indexedDB);

  async function run(names, mode, fn) {
    const tx = db.transaction(names, mode);
    fn(tx);
    await done(tx);
  }

  return {
    async getSettings() {
      const tx = db.transaction('settings');
      const v = await request(tx.objectStore('settings').get('settings'));
      return v || {};
    },
    async setSettings(patch) {
      const tx = db.transaction('settings', 'readwrite');
      const os = tx.objectStore('settings');
      const v = (await request(os.get('settings'))) || {};
      os.put({ ...v, ...patch }, 'settings');
      await done(tx);
    },
    async putManifests(list) {
      await run(['manifests'], 'readwrite', (tx) => {
        const os = tx.objectStore('manifests');
        os.clear();
        for (const m of list)
          os.put(m);
      });
    },
    async listManifests() {
      return request(db.transaction('manifests').objectStore('manifests').getAll());
    },
    async addScan(entry, photoBytes) {
      await run(['queue', 'photos'], 'readwrite', (tx) => {
        if (photoBytes)
          tx.objectStore('photos').put({ sha256: entry.photo, bytes: photoBytes });
        tx.objectStore('queue').add(entry);
      });
    },
    async putEntry(entry) {
      await run(['queue'], 'readwrite', (tx) => tx.objectStore('queue').put(entry));
    },
    async listQueue() {
      const all = await request(db.transaction('queue').objectStore('queue').getAll());
      return all.sort((a, b) => a.seq - b.seq);
    },
    async getPhoto(sha256) {
      const v = await request(db.transaction('photos').objectStore('photos').get(sha256));
      return v ? new Uint8Array(v.bytes) : null;
    },
    async deletePhoto(sha256) {
      await run(['photos'], 'readwrite', (tx) => tx.objectStore('photos').delete(sha256));
    },
  };
}
