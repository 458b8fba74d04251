export { ztpApiRef } from './ZtpApi';
export type { ZtpApi, ZtpRequestOptions } from './ZtpApi';
export { ZtpClient } from './ZtpClient';
