/**
 * The checks the API server makes before it stores an object, for its `422 Invalid`
 * answers: names are DNS subdomains, a Pod's hostname and subdomain are DNS labels, and
 * every container has a name and an image.
 */
import type { KubeObject } from './object-store.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The invalid fields of `object`, as `path: problem`; empty when it is valid. */
export function invalidFields(object: KubeObject): string[] {
  const problems: string[] = [];
  const name = object.metadata.name;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    problems.push(
      `metadata.name: Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
    );
  }
  if (object.kind !== 'Pod') return problems;
  for (const field of ['hostname', 'subdomain']) {
    const value = object.spec?.[field];
    if (
      value !== undefined &&
      (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value))
    ) {
      problems.push(`spec.${field}: Invalid value: ${JSON.stringify(value)}: must be a DNS label`);
    }
  }
  const containers = object.spec?.['containers'];
  if (!Array.isArray(containers) || containers.length === 0) {
    problems.push('spec.containers: Required value');
    return problems;
  }
  (containers as { name?: unknown; image?: unknown }[]).forEach((container, index) => {
    if (typeof container.name !== 'string' || !DNS_LABEL.test(container.name))
      problems.push(`spec.containers[${index}].name: Required value`);
    if (typeof container.image !== 'string' || container.image === '')
      problems.push(`spec.containers[${index}].image: Required value`);
  });
  return problems;
}
