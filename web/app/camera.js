// camera.js: reading QR codes with the rear camera.  BarcodeDetector where the browser
// has it; else jsQR (vendor/jsQR.js, loaded only then) on canvas frames, a few a second
// so an old phone stays responsive.  Calls onCode(text) once per distinct code read.

const FRAME_MS = 250;

let stream = null;
let timer = null;

function loadJsQR() {
  if (globalThis.jsQR)
    return Promise.resolve(globalThis.jsQR);
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = 'vendor/jsQR.js';
    s.onload = () => (globalThis.jsQR ? resolve(globalThis.jsQR) : reject(new Error('jsQR did not load')));
    s.onerror = () => reject(new Error('jsQR did not load'));
    document.head.append(s);
  });
}

async function makeDetector() {
  if ('BarcodeDetector' in globalThis) {
    try {
      const formats = await globalThis.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) {
        const d = new globalThis.BarcodeDetector({ formats: ['qr_code'] });
        return async (video) => (await d.detect(video))[0]?.rawValue ?? null;
      }
    } catch { /* fall back to jsQR */ }
  }
  const jsQR = await loadJsQR();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  };
}

export function cameraRunning() {
  return stream !== null;
}

// Start the rear camera in video and watch it for codes; rejects with the browser's
// error (NotAllowedError: no permission; NotFoundError: no camera).
export async function startCamera(video, onCode) {
  if (stream)
    return;
  if (!navigator.mediaDevices?.getUserMedia)
    throw Object.assign(new Error('no camera API (is the page on HTTPS?)'), { name: 'NotSupportedError' });
  stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: 'environment' } }, audio: false });
  video.srcObject = stream;
  await video.play().catch(() => {});
  const detect = await makeDetector();
  let last = null, busy = false;
  timer = setInterval(async () => {
    if (busy || video.readyState < 2)
      return;
    busy = true;
    try {
      const text = await detect(video);
      if (text && text !== last) {
        last = text;
        onCode(text);
      }
      if (!text)
        last = null;
    } catch { /* a frame that could not be read: try the next one */ }
    busy = false;
  }, FRAME_MS);
}

export function stopCamera(video) {
  clearInterval(timer);
  timer = null;
  for (const t of stream?.getTracks() || [])
    t.stop();
  stream = null;
  if (video)
    video.srcObject = null;
}
