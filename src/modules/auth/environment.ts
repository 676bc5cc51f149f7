import { mailerFromEnvironment } from '../../framework/mail/index.ts';
import { identityDirectory } from './directory-identity.ts';
import { resolveMasterKey } from './keys/master-key.ts';
import { createAuthModule, type AuthModule } from './module.ts';

/**
 * The auth module as the server runs it: directory = the users module, mail = the platform mail
 * service (SMTP_URL or .eml files), master key = `ACCI_SECRET_KEY` or `<ACCI_DATA_DIR>/secret.key`
 * (generated once, mode 0600), links under `PUBLIC_URL`.
 *
 * @example
 *   export const modules = [...createIdentityModules(), authModuleFromEnvironment()];
 */
export function authModuleFromEnvironment(env: NodeJS.ProcessEnv = process.env): AuthModule {
  let mailer: ReturnType<typeof mailerFromEnvironment> | undefined;
  return createAuthModule({
    directory: (context) => identityDirectory(context),
    mailer: (context) => (mailer ??= mailerFromEnvironment(context.logger, env)),
    masterKey: () => resolveMasterKey({ secretKey: env.ACCI_SECRET_KEY, dataDir: env.ACCI_DATA_DIR || '.acci' }),
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
  });
}
