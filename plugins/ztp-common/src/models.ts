/** Chassis models as vendors write them: EX4300-48T, N9K-C93180YC-FX, DCS-7280CR3-32P4. */
const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+/-]{0,63}$/;

/** @public */
export function isValidModel(value: string): boolean {
  return MODEL_PATTERN.test(value);
}
