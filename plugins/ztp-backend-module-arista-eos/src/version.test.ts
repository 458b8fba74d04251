import { readFixture } from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { eosVersionFromShowVersion } from './version';

describe('EOS show version: the running release and model', () => {
  it.each([
    ['dcs-7050tx-64-4.20-show-version.txt', '4.20.1F', 'DCS-7050TX-64-R'],
    ['veos-4.26-show-version.txt', '4.26.1F', 'vEOS'],
  ])('%s', (name, version, model) => {
    expect(eosVersionFromShowVersion(readFixture(__dirname, name))).toEqual({
      version,
      model,
    });
  });

  it('drops the build of an engineering image', () => {
    const output = `Arista DCS-7280SR3-48YC8-F
Hardware version: 11.02
Serial number: JPE21042233
Hardware MAC address: 2c:dd:e9:4a:11:00
System MAC address: 2c:dd:e9:4a:11:00

Software image version: 4.32.0F-36401836.4320F (engineering build)
Architecture: x86_64
Internal build version: 4.32.0F-36401836.4320F
Image format version: 3.0
Image optimization: Strata-4GB
`;
    expect(eosVersionFromShowVersion(output)).toEqual({
      version: '4.32.0F',
      model: 'DCS-7280SR3-48YC8-F',
    });
  });

  it('has no version in a refused command', () => {
    expect(eosVersionFromShowVersion('% Invalid input')).toBeUndefined();
  });
});
