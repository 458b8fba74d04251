import { junosVersionFromShowVersion } from './version';

describe('Junos show version: the running release and model', () => {
  it('reads a 22.4 switch', () => {
    const output = `Hostname: acc-sw-12
Model: ex4400-48p
Junos: 22.4R3.25
JUNOS OS Kernel 64-bit  [20231013.3a9ea4c_builder_stable_12_224]
JUNOS OS libs [20231013.3a9ea4c_builder_stable_12_224]
JUNOS OS runtime [20231013.3a9ea4c_builder_stable_12_224]
JUNOS na telemetry [22.4R3.25]
JUNOS Packet Forwarding Engine Support (EX4400) [20231025.120002_builder_junos_224_r3]
`;
    expect(junosVersionFromShowVersion(output)).toEqual({
      version: '22.4R3.25',
      model: 'ex4400-48p',
    });
  });

  it('reads the first member of a Virtual Chassis', () => {
    const output = `fpc0:
--------------------------------------------------------------------------
Hostname: core-vc
Model: ex4300-48t
Junos: 21.4R3-S5.4
JUNOS OS Kernel 64-bit  [20230818.7b9e44f_builder_stable_12_214]

fpc1:
--------------------------------------------------------------------------
Hostname: core-vc
Model: ex4300-48t
Junos: 21.4R3-S5.4
`;
    expect(junosVersionFromShowVersion(output)).toEqual({
      version: '21.4R3-S5.4',
      model: 'ex4300-48t',
    });
  });

  it('reads releases before 15.1 from the base OS package line', () => {
    const output = `Hostname: edge-srx
Model: srx240h2
JUNOS Software Release [12.3X48-D105.4]
`;
    expect(junosVersionFromShowVersion(output)).toEqual({
      version: '12.3X48-D105.4',
      model: 'srx240h2',
    });
  });

  it('has no version in an error', () => {
    expect(
      junosVersionFromShowVersion(
        'error: syntax error, expecting <command>: versoin',
      ),
    ).toBeUndefined();
  });
});
