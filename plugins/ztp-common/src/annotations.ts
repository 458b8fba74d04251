/**
 * Catalog annotations that carry a network device's ZTP identity. A device is
 * a Resource entity of spec.type {@link NETWORK_DEVICE_TYPE}.
 */

/** @public */
export const NETWORK_DEVICE_TYPE = 'network-device';

/** Expected chassis serial number, e.g. FOC2148Z0AB. @public */
export const ANNOTATION_SERIAL = 'ztp.network/serial-number';
/** "true" when the serial is a placeholder, to be corrected at first boot. @public */
export const ANNOTATION_SERIAL_TEMPORARY = 'ztp.network/serial-temporary';
/** Platform id, e.g. cisco-iosxe, cisco-nxos, arista-eos, juniper-junos. @public */
export const ANNOTATION_PLATFORM = 'ztp.network/platform';
/** Management address with prefix length, e.g. 127.0.10.11/24. @public */
export const ANNOTATION_MANAGEMENT_ADDRESS = 'ztp.network/management-address';
/**
 * Management port the minimal configuration puts the address on, where the
 * platform's usual one is not the device's (e.g. Gi0 on an ASR 1000).
 * Default per platform: GigabitEthernet0/0, mgmt0, Management1; on Junos
 * the declared model's (see {@link ANNOTATION_MODEL}), else em0. @public
 */
export const ANNOTATION_MANAGEMENT_INTERFACE =
  'ztp.network/management-interface';
/**
 * The chassis model, as the vendor names it (e.g. EX4300-48T, QFX5120-48Y,
 * MX204). On Junos it picks the management port when
 * {@link ANNOTATION_MANAGEMENT_INTERFACE} is not declared: fxp0 on MX and
 * SRX, em0 on QFX, me0 on EX. @public
 */
export const ANNOTATION_MODEL = 'ztp.network/model';
/**
 * VRF of the management port (default per platform: Mgmt-vrf on IOS XE,
 * management on NX-OS, none on EOS; on Junos only mgmt_junos, the
 * management instance). @public
 */
export const ANNOTATION_MANAGEMENT_VRF = 'ztp.network/management-vrf';
/** Default gateway of the management network. @public */
export const ANNOTATION_DEFAULT_GATEWAY = 'ztp.network/default-gateway';
/** MAC address the device presents when it boots (DHCP, ZTP headers). @public */
export const ANNOTATION_MAC_ADDRESS = 'ztp.network/mac-address';
/** Hostname the device is given; also how it may be recognised at boot. @public */
export const ANNOTATION_HOSTNAME = 'ztp.network/hostname';
/** TCP port of the device's SSH server (default 22). @public */
export const ANNOTATION_SSH_PORT = 'ztp.network/ssh-port';
/** Site the device is installed at (shown and filtered on the dashboard). @public */
export const ANNOTATION_SITE = 'ztp.network/site';
/** Role that selects the final configuration template, e.g. leaf, spine, edge. @public */
export const ANNOTATION_ROLE = 'ztp.network/role';
/**
 * The switch port the device is cabled to, as the DHCP relay names it in
 * option 82's circuit ID (e.g. leaf-01:Ethernet1/1, or 0x-prefixed hex when
 * the relay sends bytes): the device's DHCP reservation then also follows
 * the port, so a replaced chassis gets the same address. @public
 */
export const ANNOTATION_SWITCH_PORT = 'ztp.network/switch-port';
/** Location (relative path or URL) of a YAML file of final-configuration variables. @public */
export const ANNOTATION_VARIABLES = 'ztp.network/variables';
/**
 * Set by the ZTP catalog processor, never by hand: the declared (temporary)
 * serial that an operator replaced with the one verified on the device,
 * which the processor puts in {@link ANNOTATION_SERIAL}.
 * @public
 */
export const ANNOTATION_SERIAL_CORRECTED_FROM =
  'ztp.network/serial-corrected-from';

/** All annotations a device declaration may carry. @public */
export const ZTP_ANNOTATIONS = [
  ANNOTATION_SERIAL,
  ANNOTATION_SERIAL_TEMPORARY,
  ANNOTATION_PLATFORM,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_MANAGEMENT_INTERFACE,
  ANNOTATION_MANAGEMENT_VRF,
  ANNOTATION_MODEL,
  ANNOTATION_DEFAULT_GATEWAY,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_HOSTNAME,
  ANNOTATION_SSH_PORT,
  ANNOTATION_SITE,
  ANNOTATION_ROLE,
  ANNOTATION_VARIABLES,
  ANNOTATION_SWITCH_PORT,
] as const;
