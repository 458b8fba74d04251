import { createZtpPlatformFeatures } from '@ztp-portal/backstage-plugin-ztp-node';
import { ciscoNxosDriver } from './driver';

const features = createZtpPlatformFeatures(ciscoNxosDriver);

/** The ZTP backend module of Cisco NX-OS: adds the platform to the ZTP plugin. @public */
export const ztpModuleCiscoNxos = features.module;

/**
 * Cisco NX-OS for the catalog's and the scaffolder's ZTP modules, which run in
 * other plugins than the ZTP plugin (see ztpPlatformServiceRef).
 * @public
 */
export const ciscoNxosPlatformService = features.service;

/**
 * Everything Cisco NX-OS adds to a backend, installed with one
 * `backend.add(import(...))`: the ZTP module and the platform service.
 * @public
 */
export const ztpPlatformCiscoNxos = features.all;
