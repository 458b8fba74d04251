/**
 * The Python `normalized_version(text)` a device-side script compares
 * releases with, as normalizeSoftwareVersion of ztp-common does on the
 * portal (case and leading zeros of numeric parts aside: 17.09.04a is
 * 17.9.4a), so that a script and the serial check agree on Compliant.
 * Needs `import re`.
 */
export function pythonNormalizedVersion(): string {
  return `def normalized_version(text):
    """A release as the portal compares them: case and leading zeros aside."""
    return re.sub(r"(^|[.(])0+(?=\\d)", r"\\1", text.strip().lower())`;
}
