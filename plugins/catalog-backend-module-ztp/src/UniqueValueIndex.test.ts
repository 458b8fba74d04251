import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ANNOTATION_SERIAL,
  NETWORK_DEVICE_TYPE,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { UniqueValueIndex } from './UniqueValueIndex';

function device(name: string, serial: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: { [ANNOTATION_SERIAL]: serial },
    },
    spec: { type: NETWORK_DEVICE_TYPE, owner: 'network' },
  };
}

const ref = (name: string) => `resource:default/${name}`;

function indexOf(entities: Entity[]) {
  return new UniqueValueIndex({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
  });
}

describe('UniqueValueIndex', () => {
  it('tells every newcomer who holds a value, whether one device or several hold it', async () => {
    const index = indexOf([device('a', 'FDO1')]);
    expect(await index.clashes(ref('b'), { serial: 'FDO1' })).toEqual([
      expect.objectContaining({ value: 'FDO1', heldBy: [ref('a')] }),
    ]);
    // b and c were accepted with it before the catalog was read again.
    index.record(ref('b'), { serial: 'FDO1' });
    index.record(ref('c'), { serial: 'FDO1' });
    expect(await index.clashes(ref('d'), { serial: 'FDO1' })).toEqual([
      expect.objectContaining({
        heldBy: [ref('a'), ref('b'), ref('c')],
      }),
    ]);
    // Among holders, the ref that sorts first keeps the value.
    expect(await index.clashes(ref('a'), { serial: 'FDO1' })).toEqual([]);
    expect(await index.clashes(ref('c'), { serial: 'FDO1' })).toEqual([
      expect.objectContaining({ heldBy: [ref('a'), ref('b')] }),
    ]);
  });

  it('frees a value its holder changed, for the holders left and for newcomers', async () => {
    const index = indexOf([device('a', 'FDO1'), device('b', 'FDO1')]);
    expect(await index.clashes(ref('b'), { serial: 'FDO1' })).toHaveLength(1);
    // a's declaration is corrected: b alone holds FDO1 now.
    index.record(ref('a'), { serial: 'FDO2' });
    expect(await index.clashes(ref('b'), { serial: 'FDO1' })).toEqual([]);
    expect(await index.clashes(ref('z'), { serial: 'FDO1' })).toEqual([
      expect.objectContaining({ heldBy: [ref('b')] }),
    ]);
    // b moves too: FDO1 is nobody's, FDO2 stays a's.
    index.record(ref('b'), { serial: 'FDO3' });
    expect(await index.clashes(ref('z'), { serial: 'FDO1' })).toEqual([]);
    expect(await index.clashes(ref('z'), { serial: 'FDO2' })).toEqual([
      expect.objectContaining({ heldBy: [ref('a')] }),
    ]);
    // Recording the same value twice keeps one holder.
    index.record(ref('b'), { serial: 'FDO3' });
    expect(await index.clashes(ref('z'), { serial: 'FDO3' })).toEqual([
      expect.objectContaining({ heldBy: [ref('b')] }),
    ]);
  });
});
