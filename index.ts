/**
 * The rds-iam stack program: one database with IAM users, one role per workload allowed to log in
 * as its users, and the outputs a person needs to connect. Configure it per stack (Pulumi.<stack>.yaml).
 */
import * as pulumi from "@pulumi/pulumi";
import * as mysql from "@pulumi/mysql";
import * as postgresql from "@pulumi/postgresql";
import { Database, DatabaseAccessRole, DatabaseProxy, engineFamily } from "./components";
import { connectInstructions } from "./stack/connectInstructions";
import { readStackConfig } from "./stack/config";

// Every problem of the stack file comes back at once, by config key (stack/config.ts).
const config = readStackConfig();

const database = new Database("db", config.database);

// An end-to-end IAM RDS Proxy when rds-iam:proxy is enabled; its users are the ones workloads reach
// through it (stack/proxyConfig.ts).
const proxy = config.proxy && new DatabaseProxy("db-proxy", { database, ...config.proxy });

// A workload connecting via the proxy is granted dbuser:prx-…/<user> only, nothing on the database.
const roles = config.workloads.map(
    (workload) =>
        new DatabaseAccessRole(workload.name, {
            service: workload.service,
            grants: workload.users.map((username) =>
                workload.via === "proxy" && proxy !== undefined
                    ? { proxy, username }
                    : { database, username },
            ),
            attachToUsers: workload.attachToUsers,
        }),
);

// Extra objects go through the well-kept SQL providers, logged in as master by the component.
if (config.reportingDatabase && database.adminResourceOptions !== undefined) {
    const name = `${config.databaseName}_reporting`;
    if (engineFamily(database.engine) === "postgres") {
        new postgresql.Database("reporting", { name }, database.adminResourceOptions);
    } else {
        new mysql.Database("reporting", { name }, database.adminResourceOptions);
    }
}

export const address = database.address;
export const port = database.port;
export const resourceId = database.resourceId;
export const masterSecretArn = database.masterSecretArn;
/** The proxy endpoint workloads with via: proxy connect to (and sign their tokens for), when rds-iam:proxy is enabled. */
export const proxyEndpoint = proxy?.endpoint;
export const roleArns = Object.fromEntries(roles.map((role, i) => [config.workloads[i].name, role.roleArn]));
export const instanceProfileNames = Object.fromEntries(
    roles.flatMap((role, i) =>
        role.instanceProfileName === undefined ? [] : [[config.workloads[i].name, role.instanceProfileName]],
    ),
);
/** Per user: the exact token and client commands a person on the workload's host would run. */
export const connect = pulumi
    .all([database.address, database.port, database.region])
    .apply(([host, dbPort, region]) =>
        Object.fromEntries(
            config.users.map((user) => [
                user.username,
                connectInstructions({
                    engine: database.engine,
                    host,
                    port: dbPort,
                    region,
                    username: user.username,
                    database: config.databaseName,
                }),
            ]),
        ),
    );
