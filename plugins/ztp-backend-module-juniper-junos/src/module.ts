import { createZtpPlatformFeatures } from '@ztp-portal/backstage-plugin-ztp-node';
import { juniperJunosDriver } from './driver';

const features = createZtpPlatformFeatures(juniperJunosDriver);

/** The ZTP backend module of Juniper Junos: adds the platform to the ZTP plugin. @public */
export const ztpModuleJuniperJunos = features.module;

/**
 * Juniper Junos for the catalog's and the scaffolder's ZTP modules, which run in
 * other plugins than the ZTP plugin (see ztpPlatformServiceRef).
 * @public
 */
export const juniperJunosPlatformService = features.service;

/**
 * Everything Juniper Junos adds to a backend, installed with one
 * `backend.add(import(...))`: the ZTP module and the platform service.
 * @public
 */
export const ztpPlatformJuniperJunos = features.all;
