import { BootstrapImages } from './BootstrapImages';
import type { ImageSpec } from './settings';

const nxos: ImageSpec = {
  platform: 'cisco-nxos',
  modelFamily: '',
  version: '10.3(4a)',
  file: 'nxos64-cs.10.3.4a.M.bin',
  size: 1234,
  sha256: 'a'.repeat(64),
  md5: 'b'.repeat(32),
};
const n9k: ImageSpec = { ...nxos, modelFamily: 'N9K-C93', file: 'n9k.bin' };

function images(
  settings: { autoUpgrade: boolean; autoUpgradeSites: string[] },
  approved: ImageSpec[] = [nxos],
  verified: string[] = approved.map(a => a.file),
) {
  return new BootstrapImages({
    catalog: {
      approvedFor: (platform, model) =>
        approved
          .filter(
            a =>
              a.platform === platform &&
              (model ?? '').startsWith(a.modelFamily),
          )
          .sort((x, y) => y.modelFamily.length - x.modelFamily.length)[0],
      available: () => approved.filter(a => verified.includes(a.file)),
    },
    settings,
    doorUrl: 'http://127.0.0.1:7080/',
  });
}

const device = { platform: 'cisco-nxos', site: 'par1' };

describe('BootstrapImages', () => {
  it('gives the approved image, as the door serves it, where the automatic upgrade covers the device', () => {
    expect(
      images({ autoUpgrade: true, autoUpgradeSites: [] }).imageFor(device),
    ).toEqual({
      file: 'nxos64-cs.10.3.4a.M.bin',
      url: 'http://127.0.0.1:7080/ztp/images/nxos64-cs.10.3.4a.M.bin',
      size: 1234,
      sha256: 'a'.repeat(64),
      md5: 'b'.repeat(32),
      version: '10.3(4a)',
    });
    expect(
      images({ autoUpgrade: false, autoUpgradeSites: ['par1'] }).imageFor(
        device,
      )?.file,
    ).toBe('nxos64-cs.10.3.4a.M.bin');
  });

  it('gives none when the automatic upgrade is off for the device (the default)', () => {
    expect(
      images({ autoUpgrade: false, autoUpgradeSites: [] }).imageFor(device),
    ).toBeUndefined();
    expect(
      images({ autoUpgrade: false, autoUpgradeSites: ['lon2'] }).imageFor(
        device,
      ),
    ).toBeUndefined();
    expect(
      images({ autoUpgrade: false, autoUpgradeSites: ['par1'] }).imageFor({
        platform: 'cisco-nxos',
      }),
    ).toBeUndefined();
  });

  it('gives none until the file is verified on the door, or for another platform', () => {
    const on = { autoUpgrade: true, autoUpgradeSites: [] };
    expect(images(on, [nxos], []).imageFor(device)).toBeUndefined();
    expect(
      images(on).imageFor({ platform: 'arista-eos', site: 'par1' }),
    ).toBeUndefined();
  });

  it('sends the device to the image\u2019s own URL when the operator gave one', () => {
    const remote = { ...nxos, url: 'http://127.0.0.1:8088/nxos.bin' };
    expect(
      images({ autoUpgrade: true, autoUpgradeSites: [] }, [remote]).imageFor(
        device,
      )?.url,
    ).toBe('http://127.0.0.1:8088/nxos.bin');
  });

  it('matches a model family only once the device has reported its model', () => {
    const on = { autoUpgrade: true, autoUpgradeSites: [] };
    expect(images(on, [n9k]).imageFor(device)).toBeUndefined();
    expect(
      images(on, [n9k]).imageFor({ ...device, deviceModel: 'N9K-C93180YC-EX' })
        ?.file,
    ).toBe('n9k.bin');
  });
});
