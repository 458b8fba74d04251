export { DhcpCard } from './DhcpCard';
export type { DhcpCardProps } from './DhcpCard';
