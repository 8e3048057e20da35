// photo.js: the photo of the signed slip, made small enough to send on a slow line and
// to fit photo.put's limit (512 KiB decoded, docs/PROTOCOL.md): at most 1600 px on its
// longer side, JPEG at quality 0.7, smaller still if it must be; named by its SHA-256.

const LIMIT = 512 * 1024;
const STEPS = [[1600, 0.7], [1600, 0.55], [1280, 0.55], [1024, 0.5], [800, 0.45]];

export async function sha256Hex(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

function toBlob(canvas, quality) {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the image could not be encoded'))),
                  'image/jpeg', quality));
}

async function decode(file) {
  if (globalThis.createImageBitmap)
    return createImageBitmap(file, { imageOrientation: 'from-image' });
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

// {bytes, sha256, type} of file (from the camera input) as a downscaled JPEG; rejects if
// it is not an image the browser can read, or cannot be made small enough.
export async function preparePhoto(file) {
  const img = await decode(file);
  const w = img.width, h = img.height;
  for (const [max, quality] of STEPS) {
    const scale = Math.min(1, max / Math.max(w, h));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w * scale));
    canvas.height = Math.max(1, Math.round(h * scale));
    canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await toBlob(canvas, quality);
    if (blob.size <= LIMIT) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      return { bytes, sha256: await sha256Hex(bytes), type: 'image/jpeg' };
    }
  }
  throw new Error('the photo is too large even when reduced');
}
