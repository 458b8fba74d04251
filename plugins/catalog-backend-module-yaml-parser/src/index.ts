/**
 * The catalog's parser for YAML locations: Backstage's entities and errors,
 * a fraction of its CPU and memory on files of thousands of devices.
 *
 * @packageDocumentation
 */
export { catalogModuleYamlParser as default } from './module';
export { catalogModuleYamlParser } from './module';
export { lightYamlEntityParser, plainDocuments } from './lightYamlEntityParser';
