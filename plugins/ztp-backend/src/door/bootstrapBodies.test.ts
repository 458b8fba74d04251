import type { BootstrapFile } from '@ztp-portal/backstage-plugin-ztp-node';
import { BootstrapBodies } from './bootstrapBodies';

const file = (
  name: string,
  body: string,
  shared?: BootstrapFile['shared'],
): BootstrapFile => ({
  name,
  contentType: 'text/plain',
  deliversConfig: true,
  body,
  ...(shared && { shared }),
});

describe('BootstrapBodies', () => {
  it('keeps every file as it was, by name and text', () => {
    const bodies = new BootstrapBodies();
    const script = ['#!/usr/bin/env python3', 'print("dev-1")'].join('\n');
    const files = [
      file('ztp-525400000001.py', script),
      file('ztp-dev-1.py', [script].join('')),
      file('dev-1-confg', 'hostname dev-1\n'),
      file('poap.py', 'shared script', 'identical'),
      file('network-confg', 'ip host dev-1 127.0.10.1\n', 'concatenate'),
    ];
    expect(bodies.share(files)).toEqual(files);
    // Another device's files: its own texts, the shared one as before.
    const other = [
      file('ztp-525400000002.py', script.replace('dev-1', 'dev-2')),
      file('poap.py', ['shared', 'script'].join(' '), 'identical'),
    ];
    expect(bodies.share(other)).toEqual(other);
  });
});
