import type { Entity } from '@backstage/catalog-model';
import type {
  FinalConfigVariables,
  VariablesAcl,
  VariablesInterface,
  VariablesLag,
} from './variables';

/** What a device's final configuration is rendered from, besides variables. */
export type FinalConfigDevice = {
  entityRef: string;
  name: string;
  namespace: string;
  hostname: string;
  platform: string;
  role?: string;
  site?: string;
  /** The catalog's management address, e.g. 127.0.10.11/24. */
  managementAddress: string;
  /** The declared management port and VRF, when the declaration names them. */
  managementInterface?: string;
  managementVrf?: string;
  defaultGateway?: string;
  /** The ZTP bootstrap account, removed as the push's last step. */
  localUsername: string;
};

/** The catalog around the device: its entity, system and dependencies. */
export type FinalConfigCatalogView = {
  entity: Entity;
  system?: Entity;
  dependencies: Entity[];
  /** The other device of a multichassis pair (MLAG, vPC, MC-LAG), if known. */
  peer?: Entity;
};

export type OspfMembership = {
  process: number;
  area: string | number;
  type?: 'point-to-point' | 'broadcast';
  passive: boolean;
  cost?: number;
};

export type Applied = {
  aclIn?: string;
  aclOut?: string;
  ospf?: OspfMembership;
};

export type ModelInterface = VariablesInterface &
  Applied & {
    /** loopback, routed (has an address), access, trunk or member (of a LAG). */
    kind: 'loopback' | 'routed' | 'access' | 'trunk' | 'member' | 'unused';
    /** For LAG members: the LAG's number and LACP mode. */
    channel?: { number: string; lacp: string; name: string };
  };

export type ModelLag = VariablesLag &
  Applied & {
    kind: 'routed' | 'access' | 'trunk';
    number: string;
    peerLink: boolean;
  };

export type ModelSvi = Applied & {
  id: number;
  name: string;
  interface: string;
  gateway: string;
  description?: string;
};

export type ModelAcl = VariablesAcl & {
  /** Applied to SSH (management-plane protection). */
  ssh: boolean;
};

/** Everything a final-configuration template sees. */
export type FinalConfigModel = {
  device: {
    entityRef: string;
    name: string;
    namespace: string;
    title?: string;
    description?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    tags: string[];
    hostname: string;
    domain?: string;
    platform: string;
    role?: string;
    site?: string;
    model?: string;
  };
  system?: { ref: string; name: string; title?: string; description?: string };
  dependencies: {
    ref: string;
    name: string;
    title?: string;
    hostname?: string;
    platform?: string;
    role?: string;
    managementAddress?: string;
  }[];
  management: {
    interface?: string;
    vrf?: string;
    address: string;
    gateway?: string;
  };
  vars: FinalConfigVariables;
  account: { username: string };
  services: FinalConfigVariables['services'];
  interfaces: ModelInterface[];
  lags: ModelLag[];
  lagsByName: Record<string, ModelLag>;
  svis: ModelSvi[];
  /** Whether the device switches (access or trunk ports, VLANs). */
  switching: boolean;
  /** Names of every interface the configuration defines. */
  interfaceNames: string[];
  vlans: FinalConfigVariables['vlans'];
  /** Traffic filters (ACLs without zones), each once. */
  filters: ModelAcl[];
  /** Zone-to-zone security policies (ACLs with from_zone and to_zone). */
  zonePolicies: ModelAcl[];
  zones: { name: string; interfaces: string[]; host_inbound?: string[] }[];
  /** The ACL that protects SSH to the device, if any. */
  sshAcl?: string;
  /** Static routes outside any VRF. */
  globalRoutes: FinalConfigVariables['routing']['static'];
  /** Static routes per VRF (including the management VRF). */
  vrfRoutes: {
    vrf: string;
    routes: FinalConfigVariables['routing']['static'];
  }[];
  /** VRFs the configuration defines besides the management VRF. */
  vrfs: string[];
  ospf?: FinalConfigVariables['routing']['ospf'] & {
    passiveInterfaces: string[];
  };
  bgp?: FinalConfigVariables['routing']['bgp'] & {
    /** Routing policies neighbors refer to, defined by the configuration. */
    importPolicies: string[];
    exportPolicies: string[];
  };
  multichassis?: NonNullable<FinalConfigVariables['multichassis']> & {
    /** The lower hostname of the pair takes the primary role. */
    primary: boolean;
    peerLinkNumber: string;
    /** The peer's management IP, from its catalog entity. */
    peerManagementIp?: string;
  };
  aaa: NonNullable<FinalConfigVariables['aaa']>;
  ssh: FinalConfigVariables['ssh'];
  banner?: string;
};
