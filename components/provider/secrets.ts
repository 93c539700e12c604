/**
 * The master password, fetched when an operation needs it: from Secrets Manager by ARN (the RDS
 * managed secret, rotation-proof), or from the secret input. Never stored by the provider.
 */

export interface MasterInput {
    readonly username: string;
    readonly secretArn?: string;
    readonly password?: string;
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
    const client = new sm.SecretsManagerClient({ region: region ?? regionOfSecretArn(arn) });
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
