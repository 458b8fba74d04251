import type { BootstrapFile } from '@ztp-portal/backstage-plugin-ztp-node';
import { BootstrapBodyPacker } from './bootstrapBodyPacker';

/** A device script as the platforms render them: a template, a few values. */
const script = (n: number): BootstrapFile => ({
  name: `ztp-52540000${n.toString(16).padStart(4, '0')}.py`,
  contentType: 'text/x-python',
  deliversConfig: true,
  body: `#!/usr/bin/env python3\n${Array.from(
    { length: 60 },
    (_, i) => `cli("interface Gi1/0/${i}")  # dev-${n} port ${i}\n`,
  ).join('')}REPORT = "http://127.0.0.1:8080/ztp/report/${n}"\n`,
});

describe('BootstrapBodyPacker', () => {
  it('gives back every body as it was, and keeps a device script in a fraction of its size', () => {
    const packer = new BootstrapBodyPacker();
    const files = Array.from({ length: 50 }, (_, n) => script(n));
    const packed = files.map(f => packer.pack(f));
    packed.forEach((p, i) => expect(packer.unpack(p)).toEqual(files[i]));
    const sizes = packed.slice(1).map(p => {
      if (typeof p.body === 'string') throw new Error('not packed');
      return p.body.deflated.length;
    });
    const original = Buffer.byteLength(files[1].body);
    expect(original).toBeGreaterThan(2000);
    // Against the family's first script, only what differs is left.
    expect(Math.max(...sizes)).toBeLessThan(original / 5);
  });

  it('keeps small and shared files as they are', () => {
    const packer = new BootstrapBodyPacker();
    const small: BootstrapFile = {
      name: 'conf_dev-1.cfg',
      contentType: 'text/plain',
      deliversConfig: true,
      body: 'hostname dev-1\n',
    };
    const shared: BootstrapFile = {
      ...script(1),
      name: 'poap.py',
      shared: 'identical',
    };
    expect(packer.pack(small)).toBe(small);
    expect(packer.pack(shared)).toBe(shared);
  });

  it('packs each family against its own first body, whatever comes later', () => {
    const packer = new BootstrapBodyPacker();
    const eos = (n: number): BootstrapFile => ({
      ...script(n),
      name: `eos-${n}.py`,
      body: script(n).body.replace(/interface Gi1\/0/g, 'interface Ethernet'),
    });
    const packed = [script(1), eos(1), script(2), eos(2), script(3)].map(f => ({
      file: f,
      packed: packer.pack(f),
    }));
    for (const { file, packed: p } of packed) {
      expect(packer.unpack(p)).toEqual(file);
    }
  });
});
