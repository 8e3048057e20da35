// appdir.mjs: where the tests find the phone app: the assembled tree (with its vendor/
// files) that the build makes, AYNI_WEB_APP (set by CTest), else ./build/web/app.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const appDir = resolve(process.env.AYNI_WEB_APP || 'build/web/app');
export const sourceDir = resolve(process.env.AYNI_SOURCE_DIR || '.');

if (!existsSync(join(appDir, 'vendor', 'noble-ed25519.js')))
  throw new Error(`no built phone app in '${appDir}': build the target ayni_web_app, or set AYNI_WEB_APP`);

export const load = (module) => import(pathToFileURL(join(appDir, module)).href);
