import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ZtpImageUpgrade } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef, type ZtpApi } from '../../api';

/** How often the upgrades are read again while a badge shows. */
export const UPGRADE_POLL_MS = 3_000;

// One request per poll for every badge on the page, not one per row.
const shared = new WeakMap<
  ZtpApi,
  { at: number; upgrades: Promise<Map<string, ZtpImageUpgrade>> }
>();

function upgradesOf(api: ZtpApi): Promise<Map<string, ZtpImageUpgrade>> {
  const cached = shared.get(api);
  if (cached && Date.now() - cached.at < UPGRADE_POLL_MS / 2) {
    return cached.upgrades;
  }
  const upgrades = api
    .listUpgrades()
    .then(r => new Map(r.upgrades.map(u => [u.entityRef, u])))
    .catch(() => new Map<string, ZtpImageUpgrade>());
  shared.set(api, { at: Date.now(), upgrades });
  return upgrades;
}

/** The device's last upgrade, read again every few seconds. */
export function useImageUpgrade(
  entityRef: string,
): ZtpImageUpgrade | undefined {
  const api = useApi(ztpApiRef);
  const [upgrade, setUpgrade] = useState<ZtpImageUpgrade>();
  useEffect(() => {
    let current = true;
    const read = () =>
      upgradesOf(api).then(m => current && setUpgrade(m.get(entityRef)));
    read();
    const timer = setInterval(read, UPGRADE_POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [api, entityRef]);
  return upgrade;
}
