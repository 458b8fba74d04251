import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogModelExtensionPoint } from '@backstage/plugin-catalog-node/alpha';
import { lightYamlEntityParser } from './lightYamlEntityParser';

/**
 * Catalog module that reads YAML locations with lightYamlEntityParser. The
 * catalog takes one parser: a backend that sets another cannot add this.
 *
 * @public
 */
export const catalogModuleYamlParser = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'yaml-parser',
  register(reg) {
    reg.registerInit({
      deps: { model: catalogModelExtensionPoint },
      async init({ model }) {
        model.setEntityDataParser(lightYamlEntityParser);
      },
    });
  },
});
