import { col } from '../hardware';
import type { HardwareItem, JunosModel } from './models';

export const JUNOS_VERSION = '22.4R3.25';
const BUILD = '20231013.3a9ea4c_builder_stable_12_224';
const PACKAGE_BUILD = '20231025.120002_builder_junos_224_r3';

export function junosShowVersion(
  model: JunosModel,
  hostname: string,
  version = JUNOS_VERSION,
): string {
  const lines = [
    `Hostname: ${hostname}`,
    `Model: ${model.modelLine}`,
    `Junos: ${version}`,
    `JUNOS OS Kernel 64-bit  [${BUILD}]`,
    `JUNOS OS libs [${BUILD}]`,
    `JUNOS OS runtime [${BUILD}]`,
    `JUNOS OS time zone information [${BUILD}]`,
    `JUNOS network stack and utilities [${PACKAGE_BUILD}]`,
    `JUNOS libs [${PACKAGE_BUILD}]`,
    `JUNOS OS libs compat32 [${BUILD}]`,
    `JUNOS OS 32-bit compatibility [${BUILD}]`,
    `JUNOS libs compat32 [${PACKAGE_BUILD}]`,
    `JUNOS runtime [${PACKAGE_BUILD}]`,
    `JUNOS sflow mx [${PACKAGE_BUILD}]`,
    `JUNOS py extensions [${PACKAGE_BUILD}]`,
    `JUNOS py base [${PACKAGE_BUILD}]`,
    `JUNOS OS vmguest [${BUILD}]`,
    `JUNOS OS crypto [${BUILD}]`,
    `JUNOS na telemetry [${JUNOS_VERSION}]`,
    `JUNOS Security Intelligence [${PACKAGE_BUILD}]`,
    `JUNOS mx libs compat32 [${PACKAGE_BUILD}]`,
    `JUNOS mx runtime [${PACKAGE_BUILD}]`,
    `JUNOS RPD Telemetry Application [${JUNOS_VERSION}]`,
    `${model.pfePackage} [${PACKAGE_BUILD}]`,
    `JUNOS Routing Engine Services [${PACKAGE_BUILD}]`,
    `JUNOS Online Documentation [${PACKAGE_BUILD}]`,
    `JUNOS jail runtime [${BUILD}]`,
    `JUNOS Data Plane Crypto Support [${PACKAGE_BUILD}]`,
    `JUNOS daemons [${PACKAGE_BUILD}]`,
    `JUNOS Voice Services Container package [${PACKAGE_BUILD}]`,
    `JUNOS Services URL Filter package [${PACKAGE_BUILD}]`,
    `JUNOS Services TLB Service PIC package [${PACKAGE_BUILD}]`,
    `JUNOS Services Telemetry [${PACKAGE_BUILD}]`,
    `JUNOS Services SSL [${PACKAGE_BUILD}]`,
    `JUNOS Services SOFTWIRE [${PACKAGE_BUILD}]`,
    `JUNOS Services Stateful Firewall [${PACKAGE_BUILD}]`,
    `JUNOS Services RTCOM [${PACKAGE_BUILD}]`,
    `JUNOS Services RPM [${PACKAGE_BUILD}]`,
    `JUNOS Services PCEF package [${PACKAGE_BUILD}]`,
    `JUNOS Services NAT [${PACKAGE_BUILD}]`,
    `JUNOS Services Mobile Subscriber Service Container package [${PACKAGE_BUILD}]`,
    `JUNOS Services MobileNext Software package [${PACKAGE_BUILD}]`,
    `JUNOS Services Logging Report Framework package [${PACKAGE_BUILD}]`,
    `JUNOS Services LL-PDF Container package [${PACKAGE_BUILD}]`,
    `JUNOS Services Jflow Container package [${PACKAGE_BUILD}]`,
    `JUNOS Services Deep Packet Inspection package [${PACKAGE_BUILD}]`,
    `JUNOS Services IPSec [${PACKAGE_BUILD}]`,
    `JUNOS Services IDS [${PACKAGE_BUILD}]`,
    `JUNOS IDP Services [${PACKAGE_BUILD}]`,
    `JUNOS Services HTTP Content Management package [${PACKAGE_BUILD}]`,
    `JUNOS Services Crypto [${PACKAGE_BUILD}]`,
    `JUNOS Services Captive Portal and Content Delivery Container package [${PACKAGE_BUILD}]`,
    `JUNOS Services COS [${PACKAGE_BUILD}]`,
    `JUNOS AppId Services [${PACKAGE_BUILD}]`,
    `JUNOS Services Application Level Gateways [${PACKAGE_BUILD}]`,
    `JUNOS Services AACL Container package [${PACKAGE_BUILD}]`,
    `JUNOS SDN Software Suite [${PACKAGE_BUILD}]`,
    `JUNOS Extension Toolkit [${PACKAGE_BUILD}]`,
    `JUNOS Juniper Malware Removal Tool (JMRT) [1.0.0+${PACKAGE_BUILD}]`,
    `JUNOS J-Insight [${PACKAGE_BUILD}]`,
    `JUNOS jfirmware [${PACKAGE_BUILD}]`,
    `JUNOS Online Documentation [${PACKAGE_BUILD}]`,
    `JUNOS jail runtime [${BUILD}]`,
    '',
  ];
  if (model.virtualChassis) {
    return `fpc0:\n${'-'.repeat(74)}\n${lines.join('\n')}\n`;
  }
  return `${lines.join('\n')}\n`;
}

export function junosChassisHardware(
  model: JunosModel,
  serial: string,
): string {
  const lines = [
    'Hardware inventory:',
    'Item             Version  Part number  Serial number     Description',
    `${col('Chassis', 17)}${' '.repeat(9)}${' '.repeat(13)}${col(serial, 18)}${
      model.name
    }`,
  ];
  const walk = (items: HardwareItem[], depth: number) => {
    for (const item of items) {
      const name = '  '.repeat(depth) + item.name;
      lines.push(
        `${col(name, 17)}${col(item.version, 9)}${col(
          item.partNumber,
          13,
        )}${col(item.serial, 18)}${item.description}`.trimEnd(),
      );
      if (item.children) walk(item.children, depth + 1);
    }
  };
  walk(model.hardware(serial), 0);
  return `${lines.join('\n')}\n`;
}

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function junosChassisHardwareXml(
  model: JunosModel,
  serial: string,
): string {
  const out = [
    `<rpc-reply xmlns:junos="http://xml.juniper.net/junos/${JUNOS_VERSION}/junos">`,
    `    <chassis-inventory xmlns="http://xml.juniper.net/junos/${JUNOS_VERSION}/junos-chassis">`,
    '        <chassis junos:style="inventory">',
    '            <name>Chassis</name>',
    `            <serial-number>${xmlEscape(serial)}</serial-number>`,
    `            <description>${xmlEscape(model.name)}</description>`,
  ];
  const tags = [
    'chassis-module',
    'chassis-sub-module',
    'chassis-sub-sub-module',
  ];
  const walk = (items: HardwareItem[], depth: number) => {
    const pad = '    '.repeat(depth + 3);
    for (const item of items) {
      const tag = tags[Math.min(depth, tags.length - 1)];
      out.push(
        `${pad}<${tag}>`,
        `${pad}    <name>${xmlEscape(item.name)}</name>`,
      );
      if (item.version)
        out.push(`${pad}    <version>${xmlEscape(item.version)}</version>`);
      if (item.partNumber) {
        out.push(
          `${pad}    <part-number>${xmlEscape(item.partNumber)}</part-number>`,
        );
      }
      if (item.serial) {
        out.push(
          `${pad}    <serial-number>${xmlEscape(item.serial)}</serial-number>`,
        );
      }
      if (item.description) {
        out.push(
          `${pad}    <description>${xmlEscape(item.description)}</description>`,
        );
      }
      if (item.children) walk(item.children, depth + 1);
      out.push(`${pad}</${tag}>`);
    }
  };
  walk(model.hardware(serial), 0);
  out.push(
    '        </chassis>',
    '    </chassis-inventory>',
    '    <cli>',
    '        <banner></banner>',
    '    </cli>',
    '</rpc-reply>',
  );
  return `${out.join('\n')}\n`;
}

export function junosVersionXml(model: JunosModel, hostname: string): string {
  return `<rpc-reply xmlns:junos="http://xml.juniper.net/junos/${JUNOS_VERSION}/junos">
    <software-information>
        <host-name>${xmlEscape(hostname)}</host-name>
        <product-model>${model.modelLine}</product-model>
        <product-name>${model.modelLine}</product-name>
        <junos-version>${JUNOS_VERSION}</junos-version>
    </software-information>
    <cli>
        <banner></banner>
    </cli>
</rpc-reply>
`;
}
