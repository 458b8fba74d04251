import { createZtpPlatformFeatures } from '@ztp-portal/backstage-plugin-ztp-node';
import { aristaEosDriver } from './driver';

const features = createZtpPlatformFeatures(aristaEosDriver);

/** The ZTP backend module of Arista EOS: adds the platform to the ZTP plugin. @public */
export const ztpModuleAristaEos = features.module;

/**
 * Arista EOS for the catalog's and the scaffolder's ZTP modules, which run in
 * other plugins than the ZTP plugin (see ztpPlatformServiceRef).
 * @public
 */
export const aristaEosPlatformService = features.service;

/**
 * Everything Arista EOS adds to a backend, installed with one
 * `backend.add(import(...))`: the ZTP module and the platform service.
 * @public
 */
export const ztpPlatformAristaEos = features.all;
