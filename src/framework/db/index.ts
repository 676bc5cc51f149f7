export { createDatabase, socketOf, PLATFORM_TENANT_ID, type Database, type DatabaseOptions, type Queryable, type TransactionOptions } from './database.ts';
