export {
  ImageBadge,
  IMAGE_STATE_FILTER,
  IMAGE_STATE_LABELS,
} from './ImageBadge';
export { ImageOverridePush } from './ImageOverridePush';
export { imageRefusal } from './imageGate';
export { useImageCompliance } from './useImageCompliance';
export { ImageUpgradeButton } from './ImageUpgradeButton';
export { BulkUpgradeAction } from './BulkUpgradeAction';
export { UpgradeNeededCounter } from './UpgradeNeededCounter';
export { useImageUpgrade } from './useImageUpgrade';
