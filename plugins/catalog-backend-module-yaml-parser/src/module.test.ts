import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  catalogModelExtensionPoint,
  type CatalogModelExtensionPoint,
} from '@backstage/plugin-catalog-node/alpha';
import { lightYamlEntityParser } from './lightYamlEntityParser';
import { catalogModuleYamlParser } from './module';

describe('catalogModuleYamlParser', () => {
  it("sets the catalog's parser for YAML locations", async () => {
    const parsers: unknown[] = [];
    // The catalog's extension point as the catalog plugin offers it.
    const catalog = createBackendPlugin({
      pluginId: 'catalog',
      register(reg) {
        reg.registerExtensionPoint(catalogModelExtensionPoint, {
          setFieldValidators() {},
          setEntityDataParser: parser => parsers.push(parser),
          addModelSource() {},
        } as CatalogModelExtensionPoint);
        reg.registerInit({ deps: {}, async init() {} });
      },
    });
    const backend = await startTestBackend({
      features: [catalog, catalogModuleYamlParser],
    });
    expect(parsers).toEqual([lightYamlEntityParser]);
    await backend.stop();
  });
});
