/**
 * What the final-configuration renderer needs from a platform: its
 * templates and the few words of its dialect the shared model writes.
 * @public
 */
export type PlatformFinalConfig = {
  /**
   * The directory of the platform's Nunjucks templates: `<role>.njk`,
   * `default.njk` and `_remove-account.njk` (applied last by a push).
   * Overrides may extend them as `<platform id>/<file>`.
   */
  templateDirectory: string;
  /** Starts a comment line in the platform's configuration ("!", "#"). */
  commentPrefix: string;
  /** The default name of a VLAN's layer-3 interface (Vlan10, irb.10). */
  sviName(vlanId: number): string;
};
