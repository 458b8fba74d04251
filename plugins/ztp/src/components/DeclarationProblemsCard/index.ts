export { DeclarationProblemsCard } from './DeclarationProblemsCard';
export type { DeclarationProblemsCardProps } from './DeclarationProblemsCard';
