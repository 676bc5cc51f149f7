export { createDatabase, socketOf, refusalOf, REFUSED_SQLSTATE, PLATFORM_TENANT_ID, type Database, type DatabaseOptions, type Queryable, type TransactionOptions } from './database.ts';
