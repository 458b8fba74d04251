import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  pythonString,
  pythonNormalizedVersion,
} from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The part of the Guest Shell script that takes the approved image, as
 * Cisco's sample ZTP script does: compare "show version" with the approved
 * release, check the free space on flash, copy the image over HTTP, verify
 * its MD5 on the box ("verify /md5", IOS XE's own checksum command; it has
 * no SHA-256 one) and "install add file ... activate commit", which
 * reloads the box. The configuration is not saved before, so the box
 * comes back without a startup-config and ZTP runs again (DHCP, the same
 * script), this time on the approved release, and the script goes on to
 * the configuration. Any refusal is reported as image-failed with the
 * box's own words, and the script goes on with the configuration on the
 * old image (a second try would meet the same full flash or bad file).
 */
export function iosXeImageStep(image: UpgradeImage): string {
  const spec = {
    file: image.file,
    url: image.url,
    size: image.size,
    md5: image.md5 ?? '',
    version: image.version,
  };
  const fields = Object.entries(spec)
    .map(
      ([key, value]) =>
        `    "${key}": ${
          typeof value === 'number' ? String(value) : pythonString(value)
        },`,
    )
    .join('\n');
  return `# The approved software image (ztp.images), taken before the configuration.
IMAGE = {
${fields}
}
# How long the install may take before the box reloads (and kills this script).
INSTALL_RELOAD_WAIT_S = 1800


${pythonNormalizedVersion()}


def running_version():
    shown = cli.execute("show version")
    found = re.search(r"^Cisco IOS[ -]XE Software, Version\\s+(\\S+)", shown, re.M)
    if not found:
        found = re.search(r"^Cisco IOS Software.*?, Version\\s+([^\\s,]+)", shown, re.M)
    return found.group(1) if found else None


def box_words(output):
    """The lines of a command's output that say what went wrong."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    wrong = [line for line in lines if re.search(r"%|Error|FAILED|Signature", line, re.I)]
    return " | ".join(wrong or lines[-3:]) or "no output"


def free_flash_bytes(name):
    """Free bytes on flash:, counting the space of an earlier copy of name."""
    listing = cli.execute("dir flash:")
    free = re.search(r"\\((\\d+) bytes free\\)", listing)
    if not free:
        return None, listing
    earlier = 0
    for line in listing.splitlines():
        words = line.split()
        if words and words[-1] == name and len(words) > 3 and words[2].isdigit():
            earlier = int(words[2])
    return int(free.group(1)) + earlier, listing


def take_image():
    """Installs the approved image (the box reloads) or says why not."""
    try:
        install_image()
    except Exception as error:  # a command the box refused: keep the old image
        report("image-failed", "%s: %s" % (type(error).__name__, error))


def install_image():
    target = "flash:" + IMAGE["file"]
    current = running_version()
    if current and normalized_version(current) == normalized_version(IMAGE["version"]):
        report("image", "already runs %s" % current)
        return
    if not IMAGE["md5"]:
        report(
            "image-failed",
            "IOS XE verifies an image with verify /md5 only: ztp.images gives no md5 for %s, so it is not taken"
            % IMAGE["file"],
        )
        return
    report("image", "runs %s, approved %s: checking flash: for %d bytes" % (current, IMAGE["version"], IMAGE["size"]))
    free, listing = free_flash_bytes(IMAGE["file"])
    if free is None:
        report("image-failed", "dir flash: gave no free space: " + box_words(listing))
        return
    if free < IMAGE["size"]:
        report(
            "image-failed",
            "flash: has %d bytes free, %s needs %d" % (free, IMAGE["file"], IMAGE["size"]),
        )
        return
    # Without prompts copy does not ask for the destination file name.
    cli.configure(["file prompt quiet"])
    try:
        report("image", "downloading %s" % IMAGE["file"])
        copied = cli.execute("copy %s %s" % (IMAGE["url"], target))
        if "bytes copied" not in copied or re.search(r"%\\s?Error", copied):
            report("image-failed", "copy %s: %s" % (IMAGE["url"], box_words(copied)))
            return
        report("image", "verifying the MD5 of %s" % target)
        verified = cli.execute("verify /md5 %s %s" % (target, IMAGE["md5"]))
        if not re.search(r"^Verified \\(", verified, re.M):
            cli.execute("delete /force %s" % target)
            report("image-failed", "verify /md5 %s: %s (deleted)" % (target, box_words(verified)))
            return
        report("image", "installing %s; rebooting into %s" % (IMAGE["file"], IMAGE["version"]))
        installed = cli.execute(
            "install add file %s activate commit prompt-level none" % target
        )
    finally:
        cli.configure(["no file prompt quiet"])
    if re.search(r"FAILED|%\\s?Error", installed) or "SUCCESS" not in installed:
        report("image-failed", "install add file %s: %s" % (target, box_words(installed)))
        return
    # The box reloads now; ZTP runs this script again on the new release.
    time.sleep(INSTALL_RELOAD_WAIT_S)
    report("image-failed", "install add file %s did not reload the box" % target)`;
}
