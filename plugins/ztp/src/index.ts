/**
 * The ZTP portal's frontend plugin: the ZTP Status Dashboard, and the ZTP tab
 * and ZTP identity card of network devices. The default export is the plugin
 * for the new frontend system; the named legacy exports serve apps on the old
 * one.
 *
 * @packageDocumentation
 */
export { ztpPlugin as default } from './alpha';
export { ztpPlugin } from './alpha';

export {
  ztpLegacyPlugin,
  ZtpDashboardPage,
  EntityZtpContent,
  EntityZtpIdentityCard,
} from './plugin';
export type { EntityZtpIdentityCardProps } from './components/EntityZtpIdentityCard';
export { isZtpDevice } from './isZtpDevice';
export { ztpApiRef, ZtpClient } from './api';
export type { ZtpApi, ZtpRequestOptions } from './api';
