/**
 * Extension points and driver types for modules of the ZTP backend plugin.
 *
 * @packageDocumentation
 */
export * from './platformDriver';
export * from './extensions';
export * from './upgrade';
