// The parts of Kea's DHCPv4 configuration the generator writes.

/** A Kea option-data entry. */
export type KeaOptionData = {
  name?: string;
  code?: number;
  data: string;
  'csv-format'?: boolean;
  'always-send'?: boolean;
};

/** A host reservation: by MAC or circuit ID, with its boot options. */
export type KeaReservation = {
  'hw-address'?: string;
  'circuit-id'?: string;
  'ip-address': string;
  hostname: string;
  'option-data': KeaOptionData[];
  'user-context': { 'entity-ref': string; platform: string };
};

/** A provisioning subnet with its reservations. */
export type KeaSubnet = {
  id: number;
  subnet: string;
  pools: { pool: string }[];
  'valid-lifetime': number;
  'option-data': KeaOptionData[];
  relay?: { 'ip-addresses': string[] };
  interface?: string;
  reservations: KeaReservation[];
};
