import { BootstrapFileIndex } from './BootstrapFileIndex';

const file = (
  name: string,
  body: string,
  shared?: 'identical' | 'concatenate' | 'by-source-address',
) => ({
  name,
  body,
  contentType: 'text/plain',
  deliversConfig: !shared || shared === 'by-source-address',
  shared,
});

describe('BootstrapFileIndex', () => {
  it('finds files by name without case, joins shared lines and refuses a name two devices claim', () => {
    const index = new BootstrapFileIndex();
    index.set('resource:default/a', {
      reportToken: 'A'.repeat(32),
      files: [
        file('conf_AABBCCDDEE01.cfg', 'a'),
        file('conf.TEMP-0001', 'a'),
        file('poap.py', 'script', 'identical'),
        file('network-confg', 'ip host a 198.18.0.1\n', 'concatenate'),
      ],
    });
    index.set('resource:default/b', {
      reportToken: 'b'.repeat(32),
      files: [
        file('conf.TEMP-0001', 'b'),
        file('poap.py', 'script', 'identical'),
        file('network-confg', 'ip host b 198.18.0.2\n', 'concatenate'),
      ],
    });
    expect(index.find('conf_aabbccddee01.CFG')).toMatchObject({
      entityRef: 'resource:default/a',
    });
    expect(index.find('conf.TEMP-0001')).toBeUndefined();
    expect(index.find('poap.py')).toMatchObject({ entityRef: undefined });
    expect(index.find('network-confg')!.file.body).toBe(
      'ip host a 198.18.0.1\nip host b 198.18.0.2\n',
    );
    expect(index.deviceOfToken('a'.repeat(32))).toBe('resource:default/a');
    index.retain(new Set(['resource:default/b']));
    expect(index.find('conf.TEMP-0001')).toMatchObject({
      entityRef: 'resource:default/b',
    });
    expect(index.deviceOfToken('a'.repeat(32))).toBeUndefined();
  });

  it('answers a name every device asks for with the asking device’s own file only', () => {
    const index = new BootstrapFileIndex();
    for (const name of ['a', 'b']) {
      index.set(`resource:default/${name}`, {
        reportToken: name.repeat(32),
        files: [
          file('router-confg', `hostname ${name}\n`, 'by-source-address'),
        ],
      });
    }
    expect(index.answersBySourceAddress('ROUTER-confg')).toBe(true);
    expect(index.answersBySourceAddress('network-confg')).toBe(false);
    expect(index.find('router-confg', 'resource:default/b')).toMatchObject({
      entityRef: 'resource:default/b',
      file: { body: 'hostname b\n' },
    });
    // Nobody recognised, or a device without that file: no file.
    expect(index.find('router-confg')).toBeUndefined();
    expect(index.find('router-confg', 'resource:default/c')).toBeUndefined();
  });
});
