import type { DeletionReason, SubscriptionPlan, TenantData, TenantSettings } from './domain.ts';

/** Events of the tenant stream `tenant-<tenantId>` (appended in the tenant's own tenant). */
export type TenantCreated = {
  type: 'tenant.created';
  data: TenantData;
};

export type TenantUpdatedField = 'name' | 'subscriptionPlan' | 'metadata' | 'settings';

export type TenantUpdated = {
  type: 'tenant.updated';
  data: {
    tenantId: string;
    name?: string;
    subscriptionPlan?: SubscriptionPlan;
    metadata?: Record<string, unknown>;
    settings?: TenantSettings;
    updatedFields: TenantUpdatedField[];
  };
};

export type TenantSuspended = { type: 'tenant.suspended'; data: { tenantId: string; reason: string | null } };
export type TenantResumed = { type: 'tenant.resumed'; data: { tenantId: string } };

export type TenantDeleted = {
  type: 'tenant.deleted';
  data: { tenantId: string; deletionReason: DeletionReason; dataRetentionPeriod: string; purgeAfter: string };
};

export type TenantPurged = { type: 'tenant.purged'; data: { tenantId: string } };

export type TenantEvent = TenantCreated | TenantUpdated | TenantSuspended | TenantResumed | TenantDeleted | TenantPurged;

export const TENANT_EVENT_TYPES: readonly TenantEvent['type'][] = [
  'tenant.created', 'tenant.updated', 'tenant.suspended', 'tenant.resumed', 'tenant.deleted', 'tenant.purged',
];

export const tenantStreamId = (tenantId: string): string => `tenant-${tenantId}`;
