/** Names the devices whose reservations differ between two configurations. */
export function describeDhcpChange(
  before: Record<string, string> | undefined,
  after: Record<string, string>,
): string {
  if (!before) {
    return `first configuration from the portal (${
      Object.keys(after).length
    } reservations)`;
  }
  const name = (ref: string) => ref.replace(/^resource:default\//, '');
  const added = Object.keys(after).filter(r => !(r in before));
  const removed = Object.keys(before).filter(r => !(r in after));
  const changed = Object.keys(after).filter(
    r => r in before && before[r] !== after[r],
  );
  const parts = [
    ...(added.length ? [`added ${added.map(name).join(', ')}`] : []),
    ...(changed.length ? [`changed ${changed.map(name).join(', ')}`] : []),
    ...(removed.length ? [`removed ${removed.map(name).join(', ')}`] : []),
  ];
  return parts.join('; ') || 'subnets or settings';
}
