/**
 * The ZTP backend plugin: the ZTP queue, the device door, SSH serial checks,
 * Conf Final, DHCP and images. Its catalog and scaffolder modules are the
 * packages catalog-backend-module-ztp and scaffolder-backend-module-ztp.
 *
 * @packageDocumentation
 */
export { ztpPlugin as default } from './plugin';
