export { scaffolderModuleZtp } from './module';
