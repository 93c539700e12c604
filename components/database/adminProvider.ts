/**
 * The admin provider: a `@pulumi/postgresql` or `@pulumi/mysql` provider logged in as the master
 * user, for extra databases, schemas and fine-grained grants through those well-kept providers.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as mysql from "@pulumi/mysql";
import * as postgresql from "@pulumi/postgresql";
import { Engine, engineFacts } from "../engines";

export interface AdminProviderArgs {
    readonly engine: Engine;
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly masterUsername: string;
    readonly masterSecretArn: pulumi.Output<string>;
    readonly databaseName?: string;
    /** The network path (ingress rules) the provider's connections take. */
    readonly networkPath: pulumi.Resource[];
}

export type AdminProvider = postgresql.Provider | mysql.Provider;

export function createAdminProvider(
    name: string,
    args: AdminProviderArgs,
    parent: pulumi.Resource,
): AdminProvider {
    const secret = aws.secretsmanager.getSecretVersionOutput({ secretId: args.masterSecretArn }, { parent });
    const password = pulumi.secret(secret.secretString.apply((s) => JSON.parse(s).password as string));
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
                superuser: false,
            },
            { parent, dependsOn: args.networkPath },
        );
    }
    return new mysql.Provider(
        `${name}-admin`,
        {
            endpoint: pulumi.interpolate`${args.address}:${args.port}`,
            username: args.masterUsername,
            password,
            tls: "true",
        },
        { parent, dependsOn: args.networkPath },
    );
}
