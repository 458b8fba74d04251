import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
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

function indexOf(
  entities: Entity[],
  more: { onFreed?: (refs: string[]) => void; maxAgeMs?: number } = {},
) {
  return new UniqueValueIndex({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    ...more,
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

  it('tells which refused devices may take their value once its holder lets it go, once each', async () => {
    const freed: string[][] = [];
    const index = indexOf([device('a', 'FDO1'), device('c', 'FDO9')], {
      onFreed: refs => freed.push(refs),
    });
    // b and d are refused: a holds FDO1, c holds FDO9.
    expect(await index.clashes(ref('b'), { serial: 'FDO1' })).toHaveLength(1);
    expect(await index.clashes(ref('d'), { serial: 'FDO9' })).toHaveLength(1);
    // A change of a that keeps FDO1 frees nothing.
    index.record(ref('a'), { serial: 'FDO1', hostname: 'a' });
    expect(freed).toEqual([]);
    // a's declaration is corrected: b may take FDO1, d still may not.
    index.record(ref('a'), { serial: 'FDO2' });
    expect(freed).toEqual([[ref('b')]]);
    // Told once: another change frees nothing more.
    index.record(ref('a'), { serial: 'FDO3' });
    expect(freed).toEqual([[ref('b')]]);
  });

  it('forgets the claim of a refused device that was accepted since, with another value', async () => {
    const freed: string[][] = [];
    const index = indexOf([device('a', 'FDO1')], {
      onFreed: refs => freed.push(refs),
    });
    expect(await index.clashes(ref('b'), { serial: 'FDO1' })).toHaveLength(1);
    // b's own declaration was fixed and accepted.
    expect(await index.clashes(ref('b'), { serial: 'FDO5' })).toEqual([]);
    index.record(ref('b'), { serial: 'FDO5' });
    index.record(ref('a'), { serial: 'FDO2' });
    expect(freed).toEqual([]);
  });

  it('tells a refused device when its holder is gone from the catalog at the next reading', async () => {
    const freed: string[][] = [];
    const entities = [device('a', 'FDO1')];
    // The catalog as it is at each reading (the mock copies its entities).
    const catalog = {
      queryEntities: async () => ({
        items: [...entities],
        totalItems: entities.length,
        pageInfo: {},
      }),
    } as unknown as CatalogService;
    const index = new UniqueValueIndex({
      catalog,
      auth: mockServices.auth(),
      maxAgeMs: 0,
      onFreed: refs => freed.push(refs),
    });
    expect(await index.clashes(ref('b'), { serial: 'FDO1' })).toHaveLength(1);
    entities.length = 0; // a deleted from the catalog
    // The next check reads the catalog again (maxAgeMs 0).
    expect(await index.clashes(ref('z'), { serial: 'FDO7' })).toEqual([]);
    expect(freed).toEqual([[ref('b')]]);
  });
});
