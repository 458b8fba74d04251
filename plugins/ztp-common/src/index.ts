/**
 * Types, permissions, catalog annotation names, validation and signal channels
 * shared by the ZTP frontend and backend plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './limits';
export * from './models';
export * from './dhcp';
export * from './images';
export * from './platforms';
export * from './permissions';
export * from './signals';
export * from './types';
export * from './validation';
export * from './declarationReports';
