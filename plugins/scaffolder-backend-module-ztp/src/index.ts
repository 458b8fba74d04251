/**
 * The scaffolder's ZTP module: the ztp:device:declare action of the
 * "Declare a network device" template.
 *
 * @packageDocumentation
 */
export { scaffolderModuleZtp as default } from './module';
export { scaffolderModuleZtp } from './module';
