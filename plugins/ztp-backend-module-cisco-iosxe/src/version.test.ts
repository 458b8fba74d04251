import {
  readFixture,
  scriptedCli,
} from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { iosXeReadVersion, iosXeVersionFromShowVersion } from './version';

const fixture = (name: string) => readFixture(__dirname, name);

describe('IOS XE show version: the running release and model', () => {
  it.each([
    // A stack: the model from the active member's "Model Number".
    [
      'c9200l-stack-17.3-active-switch-2-show-version.txt',
      '17.03.04',
      'C9200L-48P-4X',
    ],
    ['c9500-40x-svl-17.6-show-version.txt', '17.06.04', 'C9500-40X'],
    // Routers name the model on their processor line.
    ['csr1000v-16.12-show-version.txt', '16.12.05', 'CSR1000V'],
    ['isr4331-16.9-show-version.txt', '16.09.08', 'ISR4331/K9'],
  ])('%s', (name, version, model) => {
    expect(iosXeVersionFromShowVersion(fixture(name))).toEqual({
      version,
      model,
    });
  });

  it('reads 3.x releases from the IOS line', () => {
    const output = [
      'Cisco IOS Software, IOS-XE Software, Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 03.06.08E RELEASE SOFTWARE (fc2)',
      'Technical Support: http://www.cisco.com/techsupport',
      '',
      'cisco WS-C3850-48P (MIPS) processor (revision AB0) with 801920K/6147K bytes of memory.',
    ].join('\n');
    expect(iosXeVersionFromShowVersion(output)).toEqual({
      version: '03.06.08E',
      model: 'WS-C3850-48P',
    });
  });

  it('runs show version in the session and says when it names no release', async () => {
    const cli = scriptedCli({
      'show version': fixture('c9500-40x-svl-17.6-show-version.txt'),
    });
    await expect(iosXeReadVersion(cli)).resolves.toMatchObject({
      version: '17.06.04',
    });
    expect(cli.commands).toEqual(['show version']);
    await expect(iosXeReadVersion(scriptedCli({}))).rejects.toThrow(
      '"show version" named no software version',
    );
  });
});
