export { rootLoggerServiceFactory } from './rootLoggerServiceFactory';
export { loadConfigSchemaInChildProcess } from './configSchemaInChildProcess';
