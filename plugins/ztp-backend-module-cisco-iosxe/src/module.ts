import { createZtpPlatformFeatures } from '@ztp-portal/backstage-plugin-ztp-node';
import { ciscoIosXeDriver } from './driver';

const features = createZtpPlatformFeatures(ciscoIosXeDriver);

/** The ZTP backend module of Cisco IOS XE: adds the platform to the ZTP plugin. @public */
export const ztpModuleCiscoIosXe = features.module;

/**
 * Cisco IOS XE for the catalog's and the scaffolder's ZTP modules, which run in
 * other plugins than the ZTP plugin (see ztpPlatformServiceRef).
 * @public
 */
export const ciscoIosXePlatformService = features.service;

/**
 * Everything Cisco IOS XE adds to a backend, installed with one
 * `backend.add(import(...))`: the ZTP module and the platform service.
 * @public
 */
export const ztpPlatformCiscoIosXe = features.all;
