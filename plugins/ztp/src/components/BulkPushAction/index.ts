export { BulkPushAction } from './BulkPushAction';
