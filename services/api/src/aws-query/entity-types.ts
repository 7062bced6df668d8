/** AWS's EntityType enum: GetAccountAuthorizationDetails' Filter and ListEntitiesForPolicy's EntityFilter. */
export const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];
