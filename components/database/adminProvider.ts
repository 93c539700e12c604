/**
 * The admin provider: a `@pulumi/postgresql` or `@pulumi/mysql` provider logged in as the master
 * user over verified TLS, for extra databases, schemas and fine-grained grants through those
 * well-kept providers.
 *
 * - PostgreSQL: `sslmode: "verify-full"` with `sslrootcert` pointing at the RDS CA bundle (or the
 *   `caCertificate` given), written by the program (caBundleFile.ts): chain and host name verified.
 * - MySQL/MariaDB: `@pulumi/mysql`'s `tls` takes only "true", "false" or "skip-verify", and has no
 *   CA option (pulumi/terraform-provider-mysql `mysql/provider.go`). "true" verifies the server
 *   against the system trust store of the machine running Pulumi (Go's: on Linux it honours
 *   SSL_CERT_FILE / SSL_CERT_DIR), which holds no RDS CA unless you add it. So this provider is made
 *   only when asked for (`DatabaseArgs.adminProvider`), with "true", never "skip-verify".
 *
 * The master password is read from the RDS-managed secret at each program run (the secret's
 * current version), so `pulumi up` and `pulumi preview` always log in with the password of the day;
 * or, with `masterPassword: "generated"`, it is the generated Pulumi secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as mysql from "@pulumi/mysql";
import * as postgresql from "@pulumi/postgresql";
import { Engine, engineFacts } from "../engines";
import { writeCaBundleFile } from "./caBundleFile";
import type { AwsAccessInput } from "../provider/secrets";

export interface AdminProviderArgs {
    readonly engine: Engine;
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly masterUsername: string;
    /** The RDS-managed secret to read the password from, or the generated password (a Pulumi secret). */
    readonly master:
        | { readonly secretArn: pulumi.Output<string> }
        | { readonly password: pulumi.Output<string> }
        | {
              readonly iamAuth: true;
              readonly region: pulumi.Output<string>;
              /** The stack's AWS settings: its profile and the role to assume sign the token. */
              readonly aws: pulumi.Output<AwsAccessInput | undefined>;
          };
    readonly databaseName?: string;
    /** The network path (ingress rules) the provider's connections take. */
    readonly networkPath: pulumi.Resource[];
    /** The PEM certificates to trust (PostgreSQL); rejects when none can verify the server. */
    readonly trustedCertificates: pulumi.Output<string>;
}

export type AdminProvider = postgresql.Provider | mysql.Provider;

/**
 * The managed secret is read with no versionId/versionStage: its current version (AWSCURRENT) at
 * each run, so rotation is followed.
 */
function masterPassword(
    master: Exclude<AdminProviderArgs["master"], { iamAuth: true }>,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    if ("password" in master) return master.password;
    const secret = aws.secretsmanager.getSecretVersionOutput({ secretId: master.secretArn }, { parent });
    return secret.secretString.apply((s) => JSON.parse(s).password as string);
}

export function createAdminProvider(
    name: string,
    args: AdminProviderArgs,
    parent: pulumi.Resource,
): AdminProvider {
    const master = args.master;
    if ("iamAuth" in master) {
        // An IAM-only master (PostgreSQL engines only): the provider signs a token with the default
        // AWS credentials (terraform-provider-postgresql aws_rds_iam_auth / aws_rds_iam_region).
        return new postgresql.Provider(
            `${name}-admin`,
            {
                host: args.address,
                port: args.port,
                username: args.masterUsername,
                awsRdsIamAuth: true,
                awsRdsIamRegion: master.region,
                // The provider signs with one profile and at most one role (aws_rds_iam_profile,
                // aws_rds_iam_provider_role_arn): a longer aws:assumeRoles chain cannot be followed.
                awsRdsIamProfile: master.aws.apply((a) => a?.profile),
                awsRdsIamProviderRoleArn: master.aws.apply((a) => {
                    const roles = a?.assumeRoles ?? [];
                    if (roles.length > 1)
                        throw new Error(
                            `the admin provider signs the master's IAM token with at most one role to assume (aws_rds_iam_provider_role_arn), and aws:assumeRoles has ${roles.length}: set adminProvider false, or assume one role`,
                        );
                    return roles[0]?.roleArn;
                }),
                database: args.databaseName,
                sslmode: "verify-full",
                sslrootcert: args.trustedCertificates.apply((pem) => writeCaBundleFile(pem)),
                superuser: false,
            },
            { parent, dependsOn: args.networkPath },
        );
    }
    const password = pulumi.secret(masterPassword(master, parent));
    if (engineFacts(args.engine).family === "postgres") {
        return new postgresql.Provider(
            `${name}-admin`,
            {
                host: args.address,
                port: args.port,
                username: args.masterUsername,
                password,
                database: args.databaseName,
                sslmode: "verify-full",
                sslrootcert: args.trustedCertificates.apply((pem) => writeCaBundleFile(pem)),
                superuser: false,
            },
            { parent, dependsOn: args.networkPath },
        );
    }
    return new mysql.Provider(
        `${name}-admin`,
        {
            endpoint: pulumi
                .all([args.address, args.port, args.trustedCertificates])
                .apply(([address, port]) => `${address}:${port}`),
            username: args.masterUsername,
            password,
            tls: "true",
        },
        { parent, dependsOn: args.networkPath },
    );
}
