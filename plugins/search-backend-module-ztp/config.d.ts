export interface Config {
  ztp?: {
    search?: {
      /**
       * Whether network devices go into Backstage's search index (default
       * false: the ZTP page searches them). Set true with a search engine
       * that keeps its index outside the backend's memory, such as
       * PostgreSQL's: Lunr, the default, holds about 16 kB per device.
       */
      indexDevices?: boolean;
    };
  };
}
