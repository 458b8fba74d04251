import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ztpDeviceReadPermission } from '@ztp-portal/backstage-plugin-ztp-common';
import express from 'express';
import Router from 'express-promise-router';
import type { ImageCatalog } from './ImageCatalog';

/**
 * GET /images: the approved images and whether each file was verified or
 * refused (and why), for a signed-in user who may read the queue.
 */
export async function createImagesRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: Pick<ImageCatalog, 'list'>;
}): Promise<express.Router> {
  const { httpAuth, permissions, catalog } = options;
  const router = Router();
  router.get('/images', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: ztpDeviceReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You are not allowed to read the ZTP queue');
    }
    res.setHeader('cache-control', 'no-store');
    res.json({ images: catalog.list() });
  });
  return router;
}
