/**
 * The master password, fetched when an operation needs it: from Secrets Manager by ARN (the RDS
 * managed secret, rotation-proof), or from the secret input. Never stored by the provider.
 *
 * Secrets Manager is called with the stack's AWS settings, passed in as names only (never keys):
 * the region, a named profile (read with the SDK's ini credentials from the shared files), and
 * the roles to assume in order (STS temporary credentials, each assumed with the previous one's),
 * as the AWS provider itself does with `aws:profile` and `aws:assumeRoles`.
 */

/** A role to assume before reading the secret (the AWS provider's `assumeRoles` entries). */
export interface AssumeRoleInput {
    readonly roleArn: string;
    readonly sessionName?: string;
    readonly externalId?: string;
}

/** The stack's AWS settings the provider needs to reach the secret. */
export interface AwsAccessInput {
    readonly profile?: string;
    readonly sharedConfigFiles?: string[];
    readonly sharedCredentialsFiles?: string[];
    readonly assumeRoles?: AssumeRoleInput[];
}

export interface MasterInput {
    readonly username: string;
    readonly secretArn?: string;
    readonly password?: string;
    /**
     * Log in as `username` with an IAM token: the IAM-only master (masterPassword "iam", PostgreSQL
     * engines), or the IAM admin acting for the master (iamAdmin, MySQL-family engines).
     */
    readonly iamAuth?: boolean;
    /** With iamAuth as the IAM admin: the database's master user, never made an IAM user. */
    readonly masterUsername?: string;
    /** How to reach Secrets Manager: the stack's AWS settings. @default the default credential chain */
    readonly aws?: AwsAccessInput;
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:.+$/;

export function regionOfSecretArn(arn: string): string | undefined {
    return SECRET_ARN.exec(arn)?.[1];
}

export function isSecretArn(value: string): boolean {
    return SECRET_ARN.test(value);
}

export async function masterPassword(master: MasterInput, region?: string): Promise<string> {
    if (master.password !== undefined) {
        return master.password;
    }
    const arn = master.secretArn as string;
    const sm = require("@aws-sdk/client-secrets-manager") as typeof import("@aws-sdk/client-secrets-manager");
    const clientRegion = region ?? regionOfSecretArn(arn);
    const client = new sm.SecretsManagerClient({
        region: clientRegion,
        credentials: stackCredentials(master.aws, clientRegion),
    });
    let secretString: string | undefined;
    try {
        secretString = (await client.send(new sm.GetSecretValueCommand({ SecretId: arn }))).SecretString;
    } catch (e) {
        const err = e as { name?: string; message?: string };
        throw new Error(
            `cannot read the master secret ${arn}: ${err.name ?? "Error"}: ${err.message}. ` +
                "The identity running pulumi needs secretsmanager:GetSecretValue on it (and kms:Decrypt on its key).",
        );
    } finally {
        client.destroy();
    }
    let password: unknown;
    try {
        password = JSON.parse(secretString ?? "").password;
    } catch {
        password = undefined;
    }
    if (typeof password !== "string" || password.length === 0) {
        throw new Error(
            `the master secret ${arn} is not JSON with a "password" field, as RDS managed secrets are`,
        );
    }
    return password;
}

/**
 * Credentials from the stack's AWS settings, or undefined for the SDK's default chain: the profile
 * (or the given shared files) through the ini provider, then each role assumed in turn.
 */
export function stackCredentials(
    access: AwsAccessInput | undefined,
    region: string | undefined,
): ReturnType<typeof import("@aws-sdk/credential-providers").fromIni> | undefined {
    if (access === undefined) return undefined;
    const providers =
        require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers");
    const files = access.sharedConfigFiles?.length || access.sharedCredentialsFiles?.length;
    let credentials =
        access.profile !== undefined || files
            ? providers.fromIni({
                  profile: access.profile,
                  configFilepath: access.sharedConfigFiles?.[0],
                  filepath: access.sharedCredentialsFiles?.[0],
              })
            : undefined;
    for (const role of access.assumeRoles ?? []) {
        credentials = providers.fromTemporaryCredentials({
            masterCredentials: credentials,
            params: {
                RoleArn: role.roleArn,
                RoleSessionName: role.sessionName ?? "rds-iam-database-user",
                ExternalId: role.externalId,
            },
            clientConfig: { region },
        });
    }
    return credentials;
}
