import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ztpImageOverridePermission } from '@ztp-portal/backstage-plugin-ztp-common';
import type { Request } from 'express';
import type { DeviceRecord } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { ImageCatalog } from './ImageCatalog';

/**
 * The image gate of Conf Final (Push): a device whose running version is
 * known and is not its approved image is not given its production
 * configuration, unless an operator with ztp.image.override says so (the
 * body's `overrideImage: true`), which is audited and in the timeline.
 * A device whose version is unknown (not read, no image approved) passes:
 * the gate stops what is known to be wrong.
 */
export class ImageGate {
  constructor(
    private readonly deps: {
      catalog: Pick<ImageCatalog, 'compliance'>;
      stores: Pick<ZtpStores, 'devices' | 'events'>;
      permissions: PermissionsService;
      auditor: AuditorService;
    },
  ) {}

  /** Why the device may not be pushed without an override, or undefined. */
  refusal(device: DeviceRecord | undefined): string | undefined {
    if (!device) return undefined;
    const compliance = this.deps.catalog.compliance(device);
    if (compliance.state !== 'upgrade-needed') return undefined;
    return `Conf Final (Push) refused: ${device.entityRef} runs ${compliance.running}, not the approved image ${compliance.approved} (Upgrade needed). Upgrade it first, or push with the image override (permission ztp.image.override)`;
  }

  /**
   * Throws 409 for a non-compliant device pushed without the override, 403
   * for an override without the permission; records an allowed override.
   */
  async enforce(
    req: Request,
    entityRef: string,
    credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>,
  ) {
    const [device] = await this.deps.stores.devices.getDevices([entityRef]);
    const refusal = this.refusal(device);
    if (!refusal) return;
    if (req.body?.overrideImage !== true) throw new ConflictError(refusal);
    const compliance = this.deps.catalog.compliance(device!);
    const meta = {
      entityRef,
      running: compliance.running,
      approved:
        compliance.state === 'upgrade-needed' ? compliance.approved : '',
    };
    const auditorEvent = await this.deps.auditor.createEvent({
      eventId: 'final-config-image-override',
      severityLevel: 'high',
      request: req,
      meta,
    });
    const [decision] = await this.deps.permissions.authorize(
      [{ permission: ztpImageOverridePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      const error = new NotAllowedError(
        'You are not allowed to push a device that does not run its approved image (ztp.image.override)',
      );
      await auditorEvent.fail({ error, meta });
      throw error;
    }
    await this.deps.stores.events.addEvent({
      entityRef,
      type: 'conffinal.image-override',
      actor: credentials.principal.userEntityRef,
      message: `Image gate overridden: Conf Final pushed although the device runs ${meta.running}, not the approved ${meta.approved}`,
      details: { running: meta.running, approved: meta.approved },
    });
    await auditorEvent.success({ meta });
  }
}
