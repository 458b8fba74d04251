export { ZtpDashboard, ZtpDashboardPage } from './ZtpDashboardPage';
export type { ZtpDashboardProps } from './ZtpDashboardPage';
