import { fileURLToPath } from 'node:url';

/**
 * The directory holding the built page (index.html, app.js, app.css …), written by `nx build web`.
 * Resolved from this module, which sits one level under the package root both as source (src/) and
 * as built code (dist/), so the node finds it through the package whichever it loads.
 */
export const WEB_ASSETS_DIR = fileURLToPath(new URL('../dist/www/', import.meta.url));
