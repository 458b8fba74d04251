/**
 * The search plugin's ZTP module: network devices stay out of Backstage's
 * search index unless `ztp.search.indexDevices` is true.
 *
 * @packageDocumentation
 */
export { searchModuleZtp as default } from './module';
export { INDEX_DEVICES_KEY, searchModuleZtp } from './module';
export { isNetworkDeviceDocument } from './NetworkDeviceFilter';
