/**
 * Reads a catalog file again as soon as it changes on disk.
 *
 * @packageDocumentation
 */
export { catalogModuleFileWatch as default } from './module';
export { catalogModuleFileWatch } from './module';
export { CatalogFileWatcher } from './CatalogFileWatcher';
