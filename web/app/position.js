// position.js: the phone's coarse position, district level at the finest: rounded to
// 0.1° (about 11 km) here on the phone, before it is stored or sent, so a finer one
// never leaves the geolocation call.

// x rounded to the nearest 0.1°, halves away from zero (as C's round()).
export function roundCoarse(x) {
  const r = Math.round(Math.abs(x) * 10) / 10;
  return x < 0 && r !== 0 ? -r : r;
}

// {lat, lon} rounded, or null if they are not a position on Earth.
export function coarsePosition(lat, lon) {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
    return null;
  return { lat: roundCoarse(lat), lon: roundCoarse(lon) };
}

// The phone's position, rounded; rejects with the browser's reason.  Low accuracy is
// asked for: it is quicker, spares the battery, and is all that is kept.
export function currentPosition(geo = globalThis.navigator?.geolocation) {
  return new Promise((resolve, reject) => {
    if (!geo)
      return reject(new Error('geolocation unavailable'));
    geo.getCurrentPosition(
      (p) => {
        const c = coarsePosition(p.coords.latitude, p.coords.longitude);
        return c ? resolve(c) : reject(new Error('no position'));
      },
      (e) => reject(new Error(e?.message || 'geolocation failed')),
      { enableHighAccuracy: false, maximumAge: 600000, timeout: 20000 });
  });
}
