import { createPermission } from '@backstage/plugin-permission-common';

/** See the ZTP queue and each device's state and timeline. @public */
export const ztpDeviceReadPermission = createPermission({
  name: 'ztp.device.read',
  attributes: { action: 'read' },
});

/** Reveal a device's generated local account password (audited). @public */
export const ztpCredentialsRevealPermission = createPermission({
  name: 'ztp.credentials.reveal',
  attributes: { action: 'read' },
});

/** Correct a device's expected serial and run serial checks. @public */
export const ztpSerialUpdatePermission = createPermission({
  name: 'ztp.serial.update',
  attributes: { action: 'update' },
});

/**
 * Accept the new SSH host key a device presented instead of the pinned one
 * (after a re-install or a zeroize), so checks and pushes trust it (audited).
 * @public
 */
export const ztpHostKeyAcceptPermission = createPermission({
  name: 'ztp.hostkey.accept',
  attributes: { action: 'update' },
});

/**
 * Replace a device by a new box (RMA) or send it through ZTP again
 * (re-provision): a new local account, the pinned host key cleared (audited).
 * @public
 */
export const ztpDeviceReplacePermission = createPermission({
  name: 'ztp.device.replace',
  attributes: { action: 'update' },
});

/** Preview and push the final (production) configuration. @public */
export const ztpConfigPushPermission = createPermission({
  name: 'ztp.config.push',
  attributes: { action: 'update' },
});

/**
 * Push Conf Final to a device whose running image is not the approved one
 * (the push is refused otherwise); every use is audited. @public
 */
export const ztpImageOverridePermission = createPermission({
  name: 'ztp.image.override',
  attributes: { action: 'update' },
});

/**
 * Upgrade a device's software to its approved image (single or bulk); every
 * request is audited. @public
 */
export const ztpImageUpgradePermission = createPermission({
  name: 'ztp.image.upgrade',
  attributes: { action: 'update' },
});

/** @public */
export const ztpPermissions = [
  ztpDeviceReadPermission,
  ztpCredentialsRevealPermission,
  ztpSerialUpdatePermission,
  ztpConfigPushPermission,
  ztpHostKeyAcceptPermission,
  ztpDeviceReplacePermission,
  ztpImageOverridePermission,
  ztpImageUpgradePermission,
];
