/** The arguments of `DatabaseProxy`, each documented with its default. Validated in validateArgs.ts. */
import * as pulumi from "@pulumi/pulumi";
import type { Database } from "../database";

export interface DatabaseProxyArgs {
    /**
     * The database the proxy pools connections to: its instance (MySQL, MariaDB, PostgreSQL) or its
     * Aurora cluster becomes the proxy's only target, in the proxy's default target group.
     */
    readonly database: Database;
    /**
     * The database users the proxy may log in as, case-exact: each one of the Database's IAM users.
     * The proxy's role gets `rds-db:connect` on exactly these users of the database
     * (`dbuser:<db-…|cluster-…>/<user>`), and workloads may be granted only these through the proxy
     * (`dbuser:prx-…/<user>`). List only the users workloads really reach through the proxy: the
     * policy pack (rds-iam-proxy-role-users) refuses a proxy role that may connect as a user no
     * workload is granted through the proxy.
     * @default every IAM user of the Database
     */
    readonly users?: string[];
    /**
     * Subnets of the proxy's network interfaces: at least two, in different availability zones, in
     * the database's VPC (RDS User Guide, "Setting up network prerequisites for RDS Proxy"). Checked
     * at deploy time (and at preview, since invokes run then) against the database's VPC.
     * @default the database's subnets
     */
    readonly subnetIds?: pulumi.Input<string>[];
    /**
     * Security groups (e.g. of the workloads) allowed to reach the proxy port.
     * @default [] (none; add the workloads' groups, or their CIDR blocks below)
     */
    readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
    /**
     * CIDR blocks allowed to reach the proxy port. A block with prefix length 0 is refused: the proxy
     * is never publicly accessible anyway (RDS User Guide, "Quotas and limitations for RDS Proxy").
     * @default [] (none)
     */
    readonly allowedCidrBlocks?: string[];
    /**
     * Seconds a client connection may stay idle before the proxy closes it: 1 to 28,800 (8 hours)
     * (RDS API Reference, CreateDBProxy, IdleClientTimeout).
     * @default 1800 (30 minutes, RDS's default)
     */
    readonly idleClientTimeout?: number;
    /**
     * The largest pool the proxy opens to the database, as a percentage of its max_connections:
     * 1 to 100 (RDS API Reference, ConnectionPoolConfiguration, MaxConnectionsPercent).
     * @default 100 (RDS's default for MySQL and PostgreSQL engines)
     */
    readonly maxConnectionsPercent?: number;
    /**
     * Log the text of every SQL statement that passes through the proxy, for debugging. WARNING: the
     * logs then hold your queries and the data in them; turn it on only while you debug.
     * @default false
     */
    readonly debugLogging?: boolean;
    /** Tags for every resource created. @default {} */
    readonly tags?: Record<string, string>;
}
