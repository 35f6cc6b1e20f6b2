/**
 * @packageDocumentation
 * The live web view of a tzp2p node or devnet. The page itself is a browser bundle under
 * `WEB_ASSETS_DIR`; this entry gives servers where it is and the JSON shapes of the devnet endpoints.
 */
export { WEB_ASSETS_DIR } from './assets.js';
export {
  UI_PREFIX,
  DEVNET_API,
  type StatJson,
  type DevnetConnectionJson,
  type DevnetNodeJson,
  type DevnetSnapshotJson,
  type DevnetEventJson,
} from './devnet-api.js';
