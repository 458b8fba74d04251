import { createServiceFactory } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { declarationProblemReporterServiceRef } from './DeclarationProblemReporter';
import { catalogModuleZtpDevices } from './module';

describe('catalogModuleZtpDevices', () => {
  it('has the declarations refused before this start processed again once the backend is up', async () => {
    const catalog = catalogServiceMock.mock({
      refreshEntity: jest.fn(async () => {}),
    });
    const addProcessor = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [[catalogProcessingExtensionPoint, { addProcessor }]],
      features: [
        catalogModuleZtpDevices,
        catalog.factory,
        createServiceFactory({
          service: declarationProblemReporterServiceRef,
          deps: {},
          factory: () => ({
            report: () => {},
            reportedWithProblems: async () => ['resource:default/leaf-04'],
          }),
        }),
      ],
    });
    try {
      expect(addProcessor).toHaveBeenCalledTimes(1);
      const deadline = Date.now() + 5000;
      while (!catalog.refreshEntity.mock.calls.length) {
        if (Date.now() > deadline) throw new Error('no refresh asked');
        await new Promise(r => setTimeout(r, 20));
      }
      expect(catalog.refreshEntity).toHaveBeenCalledWith(
        'resource:default/leaf-04',
        expect.objectContaining({ credentials: expect.anything() }),
      );
    } finally {
      await backend.stop();
    }
  });
});
