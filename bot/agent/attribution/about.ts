import type { EvidenceItem } from '../../skills/evidence.js';
import type { EventGroup } from '../tool-results/common-shapes.js';

type About = NonNullable<EvidenceItem['about']>;
type Owner = { kind: string; name: string };

/** The key an object is known by in attribution: `kind/name`, lowercased. */
export function objectKey(kind: string, name: string): string {
  return `${kind}/${name}`.toLowerCase();
}

/** `Kind/name` keys of an object and its owner chain. */
function chain(kind: string, name: string, owners: readonly Owner[] | undefined): string[] {
  return [objectKey(kind, name), ...(owners ?? []).map((owner) => objectKey(owner.kind, owner.name))];
}

/** What an event group is about: its involved object, that object's owners, its Argo CD app. */
export function aboutEvent(group: EventGroup): About {
  const [kind, ...rest] = typeof group.object === 'string' ? group.object.split('/') : [];
  const object = typeof group.object === 'string' ? { kind: kind ?? '', name: rest.join('/') } : group.object;
  return {
    objects: chain(object.kind, object.name, group.owners),
    ...(group.argocdApp ? { apps: [group.argocdApp] } : {}),
  };
}

/** What a list of objects (a policy group's resources) is about: every object, owner and app. */
export function aboutObjects(refs: ReadonlyArray<Owner & { owners?: Owner[]; argocdApp?: string }>): About {
  const apps = [...new Set(refs.map((ref) => ref.argocdApp).filter((app) => app !== undefined))];
  return {
    objects: [...new Set(refs.flatMap((ref) => chain(ref.kind, ref.name, ref.owners)))],
    ...(apps.length > 0 ? { apps } : {}),
  };
}

/** What a `Kind/name` label with owners (a namespace-health finding) is about. */
export function aboutLabel(label: string, owners: readonly Owner[] | undefined, app: string | undefined): About {
  const [kind = '', ...rest] = label.split('/');
  return { objects: chain(kind, rest.join('/'), owners), ...(app ? { apps: [app] } : {}) };
}
