import { identityServices } from '../users/index.ts';
import { identityDirectory } from './directory-identity.ts';
import { resolveMasterKey } from './keys/master-key.ts';
import { createAuthModule, type AuthModule } from './module.ts';

/**
 * The auth module as the server runs it: directory = the users module, mail = the identity
 * services' outbox (sent through SMTP_URL or as .eml files), master key = `ACCI_SECRET_KEY` or `<ACCI_DATA_DIR>/secret.key`
 * (generated once, mode 0600), links under `PUBLIC_URL`.
 *
 * @example
 *   export const modules = [...createIdentityModules(), authModuleFromEnvironment()];
 */
export function authModuleFromEnvironment(env: NodeJS.ProcessEnv = process.env): AuthModule {
  return createAuthModule({
    directory: (context) => identityDirectory(context),
    outbox: (context) => identityServices(context).outbox,
    masterKey: () => resolveMasterKey({ secretKey: env.ACCI_SECRET_KEY, dataDir: env.ACCI_DATA_DIR || '.acci' }),
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
  });
}
