import { PackedBodies } from './packedBodies';

/** A device's script as a platform renders it: a template, a few values. */
const script = (n: number) =>
  [
    '#!/usr/bin/env python3',
    `# ZTP script for leaf-${n}`,
    `HOSTNAME = "leaf-${n}"`,
    `TOKEN = "${(n * 7919).toString(16).padStart(16, '0')}"`,
    ...Array.from(
      { length: 80 },
      (_, i) =>
        `def step_${i}(cli):\n    cli("show running-config | section ${i}")`,
    ),
  ].join('\n');

describe('PackedBodies', () => {
  it('gives back every body exactly', () => {
    const bodies = new PackedBodies();
    const texts = [
      script(1),
      script(2),
      '',
      'hostname leaf-01\ninterface mgmt0\n description «gestion» ✓\n',
      'x'.repeat(100_000),
      `${script(3)}\n${'tail '.repeat(10_000)}`,
    ];
    const packed = texts.map(t => bodies.pack(t, 'text/x-python'));
    expect(packed.map(p => bodies.unpack(p))).toEqual(texts);
  });

  it("packs a device's script against the first of its kind to a small part of it", () => {
    const bodies = new PackedBodies();
    bodies.pack(script(1), 'text/x-python');
    const second = script(2);
    const packed = bodies.pack(second, 'text/x-python');
    expect(packed.data.length).toBeLessThan(second.length / 20);
    expect(bodies.unpack(packed)).toBe(second);
  });

  it('keeps a bounded number of dictionaries, packing the rest without one', () => {
    const bodies = new PackedBodies();
    const texts = Array.from(
      { length: 100 },
      (_, i) => `kind ${String(i).padStart(3, '0')} ${script(i)}`,
    );
    const packed = texts.map(t => bodies.pack(t, 'text/plain'));
    expect(new Set(packed.map(p => p.kind)).size).toBe(65); // 64 and -1
    expect(packed.at(-1)!.kind).toBe(-1);
    expect(packed.map(p => bodies.unpack(p))).toEqual(texts);
  });
});
