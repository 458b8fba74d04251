import { ztpApiRef } from './api';
import { EntityZtpContent, ztpLegacyPlugin, ZtpDashboardPage } from './plugin';

describe('ztp plugin (legacy frontend system)', () => {
  it('registers the ZtpApi under the plugin id ztp', () => {
    expect(ztpLegacyPlugin.getId()).toBe('ztp');
    const apis = [...ztpLegacyPlugin.getApis()];
    expect(apis.map(f => f.api)).toEqual([ztpApiRef]);
  });

  it('provides the page and the entity tab as routable extensions', () => {
    expect(ZtpDashboardPage).toEqual(expect.any(Function));
    expect(EntityZtpContent).toEqual(expect.any(Function));
  });
});
