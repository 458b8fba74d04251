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

  it('keeps a device’s own files by name only when it can render them again', () => {
    const version = { a: 1, b: 1 };
    const filesOf = (name: 'a' | 'b') => [
      file(`conf.${name}`, `hostname ${name} v${version[name]}\n`),
      file(
        'router-confg',
        `router ${name} v${version[name]}\n`,
        'by-source-address',
      ),
      file('poap.py', 'script', 'identical'),
      file('network-confg', `ip host ${name}\n`, 'concatenate'),
    ];
    const rendered: string[] = [];
    const index = new BootstrapFileIndex({
      renderAgain: ref => {
        rendered.push(ref);
        const name = ref.replace('resource:default/', '');
        return name === 'a' || name === 'b'
          ? { reportToken: name.repeat(32), files: filesOf(name) }
          : undefined;
      },
    });
    for (const name of ['a', 'b'] as const) {
      index.set(`resource:default/${name}`, {
        reportToken: name.repeat(32),
        files: filesOf(name),
      });
    }
    // What a device is asked for is rendered then: a later render is what
    // it gets, the index holding no body of its own.
    version.a = 2;
    expect(index.find('CONF.a')).toEqual({
      entityRef: 'resource:default/a',
      file: expect.objectContaining({ body: 'hostname a v2\n' }),
    });
    expect(index.find('router-confg', 'resource:default/b')).toMatchObject({
      entityRef: 'resource:default/b',
      file: { body: 'router b v1\n' },
    });
    expect(rendered).toEqual(['resource:default/a', 'resource:default/b']);
    // Shared and joined files keep their bodies: no render for them.
    expect(index.find('poap.py')!.file.body).toBe('script');
    expect(index.find('network-confg')!.file.body).toBe(
      'ip host a\nip host b\n',
    );
    expect(rendered).toHaveLength(2);
    // A device gone from the renderer's view has no file.
    index.set('resource:default/c', {
      reportToken: 'c'.repeat(32),
      files: [file('conf.c', 'hostname c\n')],
    });
    expect(index.find('conf.c')).toBeUndefined();
  });

  it('keeps the bodies it serves packed, and serves them exactly', () => {
    const index = new BootstrapFileIndex();
    const script = (n: number) =>
      `#!/usr/bin/env python3\nHOSTNAME = "leaf-${n}"\n${Array.from(
        { length: 60 },
        (_, i) => `def step_${i}(cli):\n    cli("show version | ${i}")\n`,
      ).join('')}`;
    let served = 0;
    for (let n = 0; n < 200; n++) {
      index.set(`resource:default/leaf-${n}`, {
        reportToken: String(n).padStart(32, '0'),
        files: [
          file(`ztp-leaf-${n}.py`, script(n)),
          file('router-confg', `hostname leaf-${n}\n`, 'by-source-address'),
        ],
      });
      served += script(n).length;
    }
    for (const n of [0, 1, 199]) {
      expect(index.find(`ztp-leaf-${n}.py`)).toEqual({
        entityRef: `resource:default/leaf-${n}`,
        file: expect.objectContaining({ body: script(n) }),
      });
      expect(
        index.find('router-confg', `resource:default/leaf-${n}`)!.file.body,
      ).toBe(`hostname leaf-${n}\n`);
    }
    // What it holds for them: a small part of the bodies' size (the
    // door's thread keeps 10,000 devices' scripts this way).
    const held = JSON.stringify([...(index as any).devices.values()]).length;
    expect(held).toBeLessThan(served / 5);
  });
});
