export type AccessKeyStatus = 'Active' | 'Inactive';
