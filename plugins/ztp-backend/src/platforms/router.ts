import type { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import type { ZtpPlatform } from '@ztp-portal/backstage-plugin-ztp-common';
import type { PlatformRegistry } from './PlatformRegistry';

/**
 * GET /platforms: the platforms the installed modules added, for choices
 * and display names in the portal (no list is kept by hand elsewhere).
 * Any signed-in user or service may read it: it holds no device data.
 */
export async function createPlatformsRouter(options: {
  httpAuth: HttpAuthService;
  platforms: Pick<PlatformRegistry, 'list'>;
}): Promise<express.Router> {
  const router = Router();
  router.get('/platforms', async (req, res) => {
    await options.httpAuth.credentials(req, { allow: ['user', 'service'] });
    const items: ZtpPlatform[] = options.platforms.list().map(p => ({
      id: p.id,
      displayName: p.displayName,
      finalConfig: Boolean(p.push && p.finalConfig),
    }));
    res.json({ items });
  });
  return router;
}
