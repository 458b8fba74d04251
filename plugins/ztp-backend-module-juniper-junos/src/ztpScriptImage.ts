import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  pythonString,
  pythonNormalizedVersion,
} from '@ztp-portal/backstage-plugin-ztp-node';

/** How long the script waits for the reboot the install announced. */
export const REBOOT_WAIT_SECONDS = 600;

/**
 * The part of the Junos ZTP script that takes the approved image before
 * the configuration, with the CLI commands of the SSH upgrade: "show
 * version" (the running release), "show system storage" (room on /var),
 * "file copy" from the door to /var/tmp, "file checksum sha-256" (checked
 * on the box against the approved digest), then "request system software
 * add ... no-copy no-validate reboot". The box reboots into the new
 * release with its factory-default configuration, so ZTP starts over and
 * runs this script again, which then finds the approved release and goes
 * on. Any refusal is reported (stage image-failed, in Junos's words) and
 * the configuration still follows on the old release: a full disk or a
 * package the box refuses would otherwise make ZTP loop for ever.
 *
 * Uses cli() and report() of the script around it.
 */
export function junosImageSection(image: UpgradeImage): string {
  return `# The approved software image, taken before the configuration.
IMAGE_FILE = ${pythonString(image.file)}
IMAGE_URL = ${pythonString(image.url)}
IMAGE_SIZE = ${Math.trunc(image.size)}
IMAGE_SHA256 = ${pythonString(image.sha256.toLowerCase())}
IMAGE_VERSION = ${pythonString(image.version)}
PACKAGE = "/var/tmp/" + IMAGE_FILE
REBOOT_WAIT_SECONDS = ${REBOOT_WAIT_SECONDS}
UNITS = {"B": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}
TROUBLE = re.compile(r"error|No space|not found|No such file|failed", re.I)


${pythonNormalizedVersion()}


def running_release(output):
    """The release "show version" names (Junos: ..., or the older forms)."""
    found = re.search(r"^Junos:\\s*(\\S+)", output, re.M | re.I) or re.search(
        r"^JUNOS (?:Software Release|Base OS boot) \\[([^\\]]+)\\]", output, re.M
    )
    return found.group(1) if found else None


def var_available(output):
    """Bytes free on the file system of /var ("show system storage")."""
    for line in output.splitlines():
        cols = line.split()
        if len(cols) < 6 or not re.match(r"^(/\\.mount)?/var$", cols[-1]):
            continue
        found = re.match(r"^([\\d.]+)([BKMGT])?$", cols[3])
        if found:
            return int(float(found.group(1)) * UNITS[found.group(2) or "B"])
    return None


def trouble(output):
    """The box's own complaint: its error lines, else its last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    bad = [line for line in lines if TROUBLE.search(line)]
    return "\\n".join(bad or lines[-1:]) or "no output"


def take_image():
    """Installs the approved image and waits for the reboot (this run ends
    there), or returns: the box runs it already, or it could not take it,
    which is reported."""
    release = running_release(cli(["show version"]))
    if release is None:
        report("image-failed", "show version named no Junos release")
        return
    if normalized_version(release) == normalized_version(IMAGE_VERSION):
        report("image", "already runs " + release)
        return
    keeps = "; the box keeps " + release
    storage = cli(["show system storage"])
    free = var_available(storage)
    if free is None:
        report("image-failed", "show system storage shows no /var:\\n" + trouble(storage) + keeps)
        return
    if free < IMAGE_SIZE:
        report("image-failed", "/var has %d bytes free, %s needs %d%s" % (free, IMAGE_FILE, IMAGE_SIZE, keeps))
        return
    report("image", "downloading %s (%d bytes) to replace %s" % (IMAGE_FILE, IMAGE_SIZE, release))
    copied = cli(["file copy " + IMAGE_URL + " " + PACKAGE])
    if "100% of" not in copied or TROUBLE.search(copied):
        cli(["file delete " + PACKAGE])
        report("image-failed", "file copy failed: " + trouble(copied) + keeps)
        return
    report("image", "verifying the SHA-256 of " + PACKAGE)
    summed = cli(["file checksum sha-256 " + PACKAGE])
    found = re.search(r"=\\s*([0-9a-f]{64})\\b", summed, re.I)
    if not found or found.group(1).lower() != IMAGE_SHA256:
        cli(["file delete " + PACKAGE])
        said = summed.strip() or "no output"
        report("image-failed", "the package is corrupted, not the approved SHA-256 " + IMAGE_SHA256 + " (deleted): " + said + keeps)
        return
    report("image", "installing %s; rebooting into %s" % (IMAGE_FILE, IMAGE_VERSION))
    added = cli(["request system software add " + PACKAGE + " no-copy no-validate reboot"])
    if TROUBLE.search(added) or not re.search(r"Rebooting|Shutdown NOW", added):
        cli(["file delete " + PACKAGE])
        report("image-failed", "request system software add refused the package: " + trouble(added) + keeps)
        return
    # ZTP starts over after the reboot and runs this script on the new release.
    time.sleep(REBOOT_WAIT_SECONDS)
    report("image-failed", "the install announced a reboot, but the box was still up %d s later%s" % (REBOOT_WAIT_SECONDS, keeps))`;
}
