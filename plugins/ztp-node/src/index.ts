/**
 * The contract of a ZTP platform (what a platform module gives the ZTP
 * backend), its extension point and service, and the helpers platforms
 * share.
 *
 * @packageDocumentation
 */
export * from './cli';
export * from './bootstrap';
export * from './push';
export * from './finalConfig';
export * from './platformDriver';
export * from './extensions';
export * from './platformFeatures';
export * from './catalog/deviceClashes';
export * from './helpers';
export * from './upgrade';
