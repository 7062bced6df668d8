import { allowedServices } from './allowed-services.js';
import { serviceName } from './service-names.js';

export type ReportGranularity = 'SERVICE_LEVEL' | 'ACTION_LEVEL';

/** AWS's TrackedActionLastAccessed: absent times when the action was allowed but not used in the tracking period. */
export interface TrackedActionLastAccessed {
  readonly actionName: string;
  readonly lastAccessedEntity: string | null;
  readonly lastAccessedTime: Date | null;
  readonly lastAccessedRegion: string | null;
}

/** AWS's ServiceLastAccessed. */
export interface ServiceLastAccessed {
  readonly serviceName: string;
  readonly serviceNamespace: string;
  readonly lastAuthenticated: Date | null;
  readonly lastAuthenticatedEntity: string | null;
  readonly lastAuthenticatedRegion: string | null;
  readonly totalAuthenticatedEntities: number | null;
  /** Null at SERVICE_LEVEL, and at ACTION_LEVEL for a service with no action to report. */
  readonly trackedActionsLastAccessed: readonly TrackedActionLastAccessed[] | null;
}

/** A principal's last use of an action in the tracking period. */
export interface ActionUse {
  readonly principalArn: string;
  /** `service:Action`, the prefix in lower case. */
  readonly action: string;
  readonly at: Date;
  readonly region: string;
}

/**
 * The report of an entity: every service its policies allow, each with the latest use by any of the
 * report's principals (the user or role itself; a group's members; the users, groups' members and
 * roles a policy is attached to), who and where it came from, and how many of them used it; a
 * service allowed but never used is listed with no LastAuthenticated. At ACTION_LEVEL, each service
 * also lists the actions used and the actions its policies name, each with its latest use.
 */
export function serviceLastAccessedReport(documents: readonly string[], uses: readonly ActionUse[], granularity: ReportGranularity): ServiceLastAccessed[] {
  const byService = new Map<string, ActionUse[]>();
  for (const use of uses) {
    const namespace = use.action.slice(0, use.action.indexOf(':'));
    const list = byService.get(namespace);
    if (list) list.push(use);
    else byService.set(namespace, [use]);
  }
  const allowed = allowedServices(documents, byService.keys());
  return [...allowed.services].sort().map((namespace) => {
    const serviceUses = byService.get(namespace) ?? [];
    const latest = latestOf(serviceUses);
    const entities = new Set(serviceUses.map((use) => use.principalArn)).size;
    return {
      serviceName: serviceName(namespace),
      serviceNamespace: namespace,
      lastAuthenticated: latest?.at ?? null,
      lastAuthenticatedEntity: latest?.principalArn ?? null,
      lastAuthenticatedRegion: latest?.region ?? null,
      totalAuthenticatedEntities: entities === 0 ? null : entities,
      trackedActionsLastAccessed: granularity === 'ACTION_LEVEL' ? trackedActions(namespace, serviceUses, allowed.namedActions) : null,
    };
  });
}

function trackedActions(namespace: string, uses: readonly ActionUse[], namedActions: ReadonlySet<string>): TrackedActionLastAccessed[] | null {
  const byAction = new Map<string, ActionUse[]>();
  for (const action of namedActions) if (action.startsWith(`${namespace}:`)) byAction.set(action, []);
  for (const use of uses) {
    const list = byAction.get(use.action);
    if (list) list.push(use);
    else byAction.set(use.action, [use]);
  }
  if (byAction.size === 0) return null;
  return [...byAction.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([action, actionUses]) => {
      const latest = latestOf(actionUses);
      return {
        actionName: action.slice(namespace.length + 1),
        lastAccessedEntity: latest?.principalArn ?? null,
        lastAccessedTime: latest?.at ?? null,
        lastAccessedRegion: latest?.region ?? null,
      };
    });
}

/** The latest use; of equal times, the first principal by ARN, so that a report is the same each time. */
function latestOf(uses: readonly ActionUse[]): ActionUse | undefined {
  let latest: ActionUse | undefined;
  for (const use of uses) {
    if (!latest || use.at.getTime() > latest.at.getTime() || (use.at.getTime() === latest.at.getTime() && use.principalArn < latest.principalArn)) latest = use;
  }
  return latest;
}
