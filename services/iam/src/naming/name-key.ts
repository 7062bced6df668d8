/**
 * IAM names are unique without regard to case. The read models key users, groups, roles and
 * managed policies by this form of the name: lookups by name match it, and lists are ordered by it,
 * so it is also the cursor of a list's page.
 */
export function nameKey(name: string): string {
  return name.toLowerCase();
}
