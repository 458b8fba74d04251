export { EntityZtpIdentityCard } from './EntityZtpIdentityCard';
export type { EntityZtpIdentityCardProps } from './EntityZtpIdentityCard';
