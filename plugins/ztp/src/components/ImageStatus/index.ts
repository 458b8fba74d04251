export {
  ImageBadge,
  IMAGE_STATE_FILTER,
  IMAGE_STATE_LABELS,
} from './ImageBadge';
export { ImageOverridePush } from './ImageOverridePush';
export { imageRefusal } from './imageGate';
export { useImageCompliance } from './useImageCompliance';
