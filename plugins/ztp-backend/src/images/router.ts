import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ztpDeviceReadPermission } from '@ztp-portal/backstage-plugin-ztp-common';
import express from 'express';
import Router from 'express-promise-router';
import { userAuthorizer } from '../routeSupport';
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
  const authorize = userAuthorizer(httpAuth, permissions);
  const router = Router();
  router.get('/images', async (req, res) => {
    await authorize(req, ztpDeviceReadPermission);
    res.setHeader('cache-control', 'no-store');
    res.json({ images: catalog.list() });
  });
  return router;
}
