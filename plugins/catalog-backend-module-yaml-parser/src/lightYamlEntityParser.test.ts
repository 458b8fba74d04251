import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseEntityYaml,
  type CatalogProcessorResult,
} from '@backstage/plugin-catalog-node';
import { lightYamlEntityParser, plainDocuments } from './lightYamlEntityParser';

const ROOT = path.resolve(__dirname, '../../..');
const location = { type: 'file', target: '/catalog/devices.yaml' };

async function parsedLight(text: string): Promise<CatalogProcessorResult[]> {
  const results: CatalogProcessorResult[] = [];
  for await (const r of lightYamlEntityParser({
    data: Buffer.from(text),
    location,
  })) {
    results.push(r);
  }
  return results;
}

const parsedByBackstage = (text: string) => [
  ...parseEntityYaml(Buffer.from(text), location),
];

/** Scalars YAML 1.1 and 1.2, or two parsers, could read differently. */
const SCALARS = `apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: scalars
  annotations:
    date: 2024-01-01
    stamp: 2024-01-01T10:00:00Z
    yes: yes
    on: off
    octal: 0o17
    oldOctal: 017
    hex: 0x1F
    underscores: 1_000
    sexagesimal: 1:20
    half: .5
    exponent: 1e3
    infinity: .inf
    notANumber: .NaN
    tilde: ~
    empty:
    capitalTrue: True
    plus: +12
    negativeZero: -0
    big: 12345678901234567890
    tagged: !!str 123
    quoted: '0x1F'
    mac: 52:54:00:12:34:56
    address: 127.0.10.1/24
    literal: |
      line one
        line two
    folded: >
      one
      two
    "<<": { notMerged: true }
    emptyList: []
    flow: { a: 1, b: [x, y] }
spec:
  type: network-device
`;

describe('lightYamlEntityParser', () => {
  it.each([
    [
      'the example fleet',
      fs.readFileSync(path.join(ROOT, 'examples/fleet/devices.yaml'), 'utf8'),
    ],
    [
      'the example systems',
      fs.readFileSync(path.join(ROOT, 'examples/fleet/systems.yaml'), 'utf8'),
    ],
    [
      'the example organisation',
      fs.readFileSync(path.join(ROOT, 'examples/org.yaml'), 'utf8'),
    ],
    ['scalars two readings could differ on', SCALARS],
    [
      'empty documents, comments and end markers',
      `# a comment only\n---\n---\n${SCALARS}...\n---\n# nothing\n---\nkind: Group\nmetadata: { name: x }\n`,
    ],
  ])('reads %s on its own way, as Backstage reads it', async (_, text) => {
    expect(plainDocuments(text)).toBeDefined();
    // Compared as the catalog keeps entities, in JSON: the one difference
    // the readings have, -0 against 0, is gone there.
    expect(JSON.stringify(await parsedLight(text))).toBe(
      JSON.stringify(parsedByBackstage(text)),
    );
  });

  it('reads a generated fleet of devices as Backstage does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-yaml-'));
    try {
      execFileSync(process.execPath, [
        path.join(ROOT, 'bench/provisioning/generate-fleet.cjs'),
        dir,
        '300',
      ]);
      const text = fs.readFileSync(path.join(dir, 'catalog.yaml'), 'utf8');
      const light = await parsedLight(text);
      expect(plainDocuments(text)).toHaveLength(light.length);
      expect(light.length).toBeGreaterThanOrEqual(300);
      expect(light).toEqual(parsedByBackstage(text));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      'a syntax error',
      `kind: Resource\nmetadata:\n  name: [unclosed\n---\nkind: Group\n`,
    ],
    ['a key twice', `kind: Resource\nkind: Group\n`],
    ['a list at the root', `- kind: Resource\n`],
    ['a scalar at the root', `just text\n---\nkind: Group\n`],
    [
      'aliases',
      `a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\nkind: Group\n`,
    ],
    ['a tab where YAML takes none', `kind: Resource\nmetadata:\n\tname: x\n`],
    [
      'a YAML 1.1 directive',
      `%YAML 1.1\n---\nkind: Resource\nmetadata:\n  name: x\n  labels: { on: yes }\n`,
    ],
  ])(
    "leaves %s to Backstage's parser: the same entities and errors",
    async (_, text) => {
      expect(plainDocuments(text)).toBeUndefined();
      const backstage = parsedByBackstage(text);
      expect(await parsedLight(text)).toEqual(backstage);
    },
  );

  it('finds errors the way Backstage words them', async () => {
    const results = await parsedLight(`kind: Resource\nkind: Group\n`);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ type: 'error' });
    expect(String((results[0] as { error: Error }).error)).toMatch(
      /YAML error at file:\/catalog\/devices\.yaml/,
    );
  });
});
