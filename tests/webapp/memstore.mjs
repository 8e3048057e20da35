// memstore.mjs: web/app/store.js's interface in memory, for the sync tests.  Values are
// copied in and out (structured clone), as IndexedDB does, so a test cannot pass by
// sharing an object with the code under test.
export function memStore() {
  let settings = {};
  let manifests = [];
  const queue = new Map();
  const photos = new Map();
  const copy = (v) => structuredClone(v);
  return {
    queue, photos,
    async getSettings() { return copy(settings); },
    async setSettings(patch) { settings = { ...settings, ...copy(patch) }; },
    async putManifests(list) { manifests = copy(list); },
    async listManifests() { return copy(manifests); },
    async addScan(entry, photoBytes) {
      if (queue.has(entry.scan_id))
        throw new Error(`scan ${entry.scan_id} is stored already`);
      if (photoBytes)
        photos.set(entry.photo, copy(photoBytes));
      queue.set(entry.scan_id, copy(entry));
    },
    async putEntry(entry) { queue.set(entry.scan_id, copy(entry)); },
    async listQueue() { return [...queue.values()].map(copy).sort((a, b) => a.seq - b.seq); },
    async getPhoto(sha) { return photos.has(sha) ? copy(photos.get(sha)) : null; },
    async deletePhoto(sha) { photos.delete(sha); },
  };
}
