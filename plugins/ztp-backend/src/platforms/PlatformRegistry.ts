import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';

/** The platforms the backend can provision: built-ins plus module additions. */
export class PlatformRegistry {
  private readonly drivers = new Map<string, ZtpPlatformDriver>();

  constructor(drivers: Iterable<ZtpPlatformDriver>) {
    for (const d of drivers) this.drivers.set(d.id, d);
  }

  add(driver: ZtpPlatformDriver) {
    this.drivers.set(driver.id, driver);
  }

  /** Every platform, sorted by id. */
  list(): ZtpPlatformDriver[] {
    return this.ids().map(id => this.drivers.get(id)!);
  }

  ids(): string[] {
    return [...this.drivers.keys()].sort();
  }

  get(id: string): ZtpPlatformDriver | undefined {
    return this.drivers.get(id);
  }

  require(id: string): ZtpPlatformDriver {
    const driver = this.drivers.get(id);
    if (!driver) throw new Error(`No driver for platform "${id}"`);
    return driver;
  }
}
