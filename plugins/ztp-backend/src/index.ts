export { ztpPlugin as default } from './plugin';
