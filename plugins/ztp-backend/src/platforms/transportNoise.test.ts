import fs from 'node:fs';
import path from 'node:path';
import * as eos from '@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos';
import * as iosXe from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe';
import * as nxos from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos';
import * as junos from '@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos';
import { platformSourceDirectory } from '../__testUtils__/builtinPlatforms';

/**
 * What SSH sessions and terminals add around an output. Every parser must
 * read every captured fixture the same through each of them: real devices
 * differ in line endings, banners, echo and how they erase a pager prompt.
 */
const noise: Record<string, (text: string) => string> = {
  'CRLF line endings': t => t.replace(/\r?\n/g, '\r\n'),
  'command echo and trailing prompt': t =>
    `leaf-01#show something\n${t}\nleaf-01#`,
  'a login banner first': t => `\n*** Authorized access only ***\n\n${t}`,
  'trailing blanks': t => t.replace(/\r?\n/g, end => `   ${end}`),
  'a pager prompt erased with backspaces': t =>
    midLine(
      t,
      ` --More-- ${'\b'.repeat(10)}${' '.repeat(10)}${'\b'.repeat(10)}`,
    ),
  'a pager prompt erased with a carriage return': t =>
    midLine(t, ` --More-- \r${' '.repeat(10)}\r`),
  'tabs for runs of eight blanks': t => t.replace(/ {8}/g, '\t'),
  'no final newline': t => t.replace(/\s+$/, ''),
};

function midLine(text: string, prefix: string): string {
  const lines = text.split('\n');
  const middle = Math.floor(lines.length / 2);
  lines[middle] = prefix + lines[middle];
  return lines.join('\n');
}

const parsers: Record<string, Record<string, (output: string) => unknown>> = {
  'arista-eos': {
    eosSerialFromVersion: eos.eosSerialFromVersion,
    eosSerialFromInventory: eos.eosSerialFromInventory,
  },
  'cisco-iosxe': {
    iosXeSerialFromVersion: iosXe.iosXeSerialFromVersion,
    iosXeSerialFromInventory: iosXe.iosXeSerialFromInventory,
  },
  'cisco-nxos': {
    nxosSerialFromVersion: nxos.nxosSerialFromVersion,
    nxosSerialFromInventory: nxos.nxosSerialFromInventory,
  },
  'juniper-junos': {
    junosSerialFromChassisHardware: junos.junosSerialFromChassisHardware,
  },
};

// Every fixture a parser finds a serial in, with that serial.
const cases = Object.entries(parsers).flatMap(([platform, fns]) => {
  const dir = path.join(platformSourceDirectory(platform), '__fixtures__');
  return fs.readdirSync(dir).flatMap(file => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    return Object.entries(fns)
      .map(([name, parse]) => ({ name, parse, serial: parse(text) }))
      .filter(c => typeof c.serial === 'string')
      .map(c => [`${platform}/${file}`, c.name, text, c.parse, c.serial]);
  });
}) as [string, string, string, (output: string) => unknown, string][];

describe('serial parsers through transport noise', () => {
  it('have fixtures to read for every platform', () => {
    for (const platform of Object.keys(parsers)) {
      expect(
        cases.filter(c => c[0].startsWith(`${platform}/`)).length,
      ).toBeGreaterThan(3);
    }
  });

  it.each(cases)(
    '%s (%s) reads the same serial',
    (_f, _n, text, parse, serial) => {
      for (const [what, add] of Object.entries(noise)) {
        expect({ what, serial: parse(add(text)) }).toEqual({ what, serial });
      }
    },
  );
});
