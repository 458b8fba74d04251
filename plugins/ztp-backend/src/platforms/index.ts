export {
  bootstrapArtifacts,
  bootstrapContext,
  dhcpBootFile,
  reportPath,
} from './bootstrapArtifacts';
export { PlatformRegistry } from './PlatformRegistry';
