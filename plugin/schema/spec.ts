/**
 * The rds-iam package schema (Pulumi package schema, checked against Pulumi's metaschema in
 * test/languages/schema.test.ts): the shape of each property is written here, its description is
 * the JSDoc of the TypeScript Args/class member it mirrors (jsdoc.ts). `npx tsx plugin/schema/spec.ts`
 * writes schema.json; the test fails when the file is not what this builds.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ENGINES } from "../../components/engines";
import { ACCESS_ROLE_TYPE, DATABASE_TYPE, PLAIN_INPUTS, PROXY_TYPE } from "../construct";
import { DATABASE_USER_TYPE } from "../databaseUserResource";
import { JsDoc } from "./jsdoc";

const { version } = require("../package.json") as { version: string };
export const SCHEMA_PATH = path.join(__dirname, "..", "..", "schema.json");

type Shape = Record<string, unknown>;
const str: Shape = { type: "string" };
const int: Shape = { type: "integer" };
const bool: Shape = { type: "boolean" };
const list = (items: Shape): Shape => ({ type: "array", items });
const dict = (values: Shape): Shape => ({ type: "object", additionalProperties: values });
const type = (token: string): Shape => ({ $ref: `#/types/rds-iam:index:${token}` });
const resource = (token: string): Shape => ({ $ref: `#/resources/${token}` });
const ANY: Shape = { $ref: "pulumi.json#/Any" };

/** Where a property's description comes from: components/<file>, interface or class <owner>. */
interface Source {
    readonly file: string;
    readonly owner: string;
}
/**
 * name → shape, with where its JSDoc is when not in the owner's `Source`, or a text where the member
 * has none (`doc`), or a text added to the JSDoc (`note`: what the schema's type cannot say).
 */
type Props = Record<string, Shape & { from?: Source; doc?: string; note?: string }>;

const ARGS: Source = { file: "database/args.ts", owner: "DatabaseArgs" };
const DATABASE: Source = { file: "database/database.ts", owner: "Database" };
const ROLE_ARGS: Source = { file: "accessRole.ts", owner: "DatabaseAccessRoleArgs" };
const ROLE: Source = { file: "accessRole.ts", owner: "DatabaseAccessRole" };
const USER_ARGS: Source = { file: "databaseUser.ts", owner: "DatabaseUserArgs" };
const USER: Source = { file: "databaseUser.ts", owner: "DatabaseUser" };
const MASTER: Source = { file: "databaseUser.ts", owner: "MasterCredentials" };
const AWS_ACCESS: Source = { file: "databaseUser.ts", owner: "AwsAccess" };
const ASSUME_ROLE: Source = { file: "databaseUser.ts", owner: "AssumeRole" };
const USER_SPEC: Source = { file: "database/args.ts", owner: "DatabaseUserSpec" };
const DATABASE_GRANT: Source = { file: "accessRole.ts", owner: "DatabaseGrant" };
const RESOURCE_ID_GRANT: Source = { file: "accessRole.ts", owner: "ResourceIdGrant" };
const PROXY_GRANT: Source = { file: "accessRole.ts", owner: "ProxyGrant" };
const PROXY_ARGS: Source = { file: "proxy/args.ts", owner: "DatabaseProxyArgs" };
const PROXY: Source = { file: "proxy/proxy.ts", owner: "DatabaseProxy" };

const DATABASE_INPUTS: Props = {
    engine: type("Engine"),
    subnetIds: list(str),
    vpcId: str,
    allowedSecurityGroupIds: list(str),
    allowedCidrBlocks: list(str),
    allowOpenCidr: bool,
    instanceClass: str,
    databaseName: str,
    users: list(type("DatabaseUserSpec")),
    publiclyAccessible: bool,
    deletionProtection: bool,
    engineVersion: str,
    instances: int,
    multiAz: bool,
    allocatedStorage: int,
    masterUsername: str,
    masterPassword: str,
    blueGreenUpdate: bool,
    applyImmediately: bool,
    iamAuthErrorLogRetentionDays: { oneOf: [int, bool] },
    backupRetentionDays: int,
    skipFinalSnapshot: bool,
    kmsKeyId: str,
    adminProvider: bool,
    caCertificate: str,
    sqlRunner: str,
    iamAdmin: bool,
    connectHost: str,
    connectPort: int,
    runnerTimeoutSeconds: int,
    tags: dict(str),
};
const DATABASE_OUTPUTS: Props = {
    address: str,
    port: {
        ...int,
        doc: "The database port (the engine's: 3306 for MySQL and MariaDB, 5432 for PostgreSQL).",
    },
    resourceId: str,
    engine: { ...type("Engine"), doc: "The database engine." },
    masterSecretArn: str,
    masterUsername: { ...str, doc: "The master user name." },
    securityGroupId: { ...str, doc: "The database's security group." },
    userNames: { ...list(str), doc: "Names of the IAM users this database defines." },
    users: { ...dict(resource(DATABASE_USER_TYPE)), from: DATABASE },
};
const ROLE_INPUTS: Props = {
    service: type("WorkloadService"),
    existingRoleName: str,
    instanceProfile: bool,
    grants: list(type("Grant")),
    attachToUsers: list(str),
    attachToGroups: list(str),
    permissionsBoundary: str,
    tags: dict(str),
};
const ROLE_OUTPUTS: Props = {
    roleArn: str,
    roleName: { ...str, doc: "Name of the role (the new one, or existingRoleName)." },
    instanceProfileName: str,
    policyArn: {
        ...str,
        doc: "ARN of the managed policy allowing rds-db:connect as exactly the granted users.",
    },
    policyDocument: str,
};
const PROXY_INPUTS: Props = {
    database: resource(DATABASE_TYPE),
    users: list(str),
    subnetIds: list(str),
    allowedSecurityGroupIds: list(str),
    allowedCidrBlocks: list(str),
    idleClientTimeout: int,
    maxConnectionsPercent: int,
    debugLogging: bool,
    tags: dict(str),
};
const PROXY_OUTPUTS: Props = {
    endpoint: str,
    port: int,
    proxyId: str,
    arn: str,
    roleArn: str,
    securityGroupId: str,
    userNames: list(str),
};
const USER_INPUTS: Props = {
    engine: type("Engine"),
    host: str,
    port: int,
    username: str,
    database: str,
    privileges: list(str),
    owner: str,
    master: type("MasterCredentials"),
    region: str,
    connectHost: str,
    connectPort: int,
    caCertificate: str,
    adopt: bool,
    iamAdmin: bool,
    ownedObjectsOnDelete: str,
    reassignOwnedTo: str,
    managedBy: str,
    sqlRunner: str,
    runnerFunction: str,
    runnerVersion: str,
    runnerCodeSha256: str,
    runnerRoleArn: str,
};
const USER_OUTPUTS: Props = {
    engine: { ...type("Engine"), from: USER_ARGS },
    host: { ...str, from: USER_ARGS },
    port: { ...int, from: USER_ARGS },
    username: { ...str, from: USER_ARGS },
    database: { ...str, from: USER_ARGS },
    privileges: { ...list(str), from: USER_ARGS },
    masterUsername: { ...str, doc: "The master user name the provider logs in as." },
    region: { ...str, from: USER_ARGS },
    iamAuthentication: bool,
    unmanagedPrivileges: list(str),
    master: { ...type("MasterCredentials"), secret: true, from: USER_ARGS },
};

function properties(docs: JsDoc, props: Props, source: Source, plain: readonly string[] = []): Shape {
    return Object.fromEntries(
        Object.entries(props).map(([name, { from, doc, note, ...shape }]) => {
            const origin = from ?? source;
            const documented = doc ?? docs.member(origin.file, origin.owner, name);
            const description = note === undefined ? documented : `${documented}\n\n${note}`;
            if (documented === "")
                throw new Error(
                    `schema: ${origin.owner}.${name} has no JSDoc: document it (or give doc here)`,
                );
            const clean = Object.fromEntries(Object.entries(shape).filter(([, v]) => v !== undefined));
            return [name, { ...clean, ...(plain.includes(name) ? { plain: true } : {}), description }];
        }),
    );
}

const required = (props: Props, optional: readonly string[]) =>
    Object.keys(props).filter((k) => !optional.includes(k));

/** The schema, built from the shapes above and the library's JSDoc. */
export function buildSchema(): Record<string, unknown> {
    const docs = new JsDoc([
        "database/args.ts",
        "database/database.ts",
        "accessRole.ts",
        "databaseUser.ts",
        "proxy/args.ts",
        "proxy/proxy.ts",
    ]);
    const object = (props: Props, source: Source, description: string, optional: readonly string[]) => ({
        type: "object",
        description,
        properties: properties(docs, props, source),
        required: required(props, optional),
    });
    return {
        name: "rds-iam",
        displayName: "rds-iam",
        version,
        description:
            "Amazon RDS IAM database authentication as one Pulumi declaration: the database with IAM auth and TLS enforced, its IAM users, and workload roles allowed to rds-db:connect as exactly those users.",
        keywords: ["pulumi", "aws", "rds", "iam", "kind/component", "category/database"],
        license: "Apache-2.0",
        repository: "https://github.com/rds-iam/rds-iam",
        publisher: "rds-iam",
        meta: { moduleFormat: "(.*)", supportPack: true },
        language: {
            python: { packageName: "pulumi_rds_iam", requires: { pulumi: ">=3.0.0,<4.0.0" } },
            go: {
                importBasePath: "github.com/rds-iam/rds-iam/sdk/go/rdsiam",
                rootPackageName: "rdsiam",
                generateResourceContainerTypes: true,
            },
            java: { basePackage: "com.rdsiam", buildFiles: "gradle" },
        },
        types: {
            "rds-iam:index:Engine": {
                type: "string",
                description: "The database engine; decides the SQL dialect and the TLS parameter.",
                enum: ENGINES.map((value) => ({ value })),
            },
            "rds-iam:index:WorkloadService": {
                type: "string",
                description: "The AWS service that assumes a new workload role.",
                enum: ["ec2", "lambda", "ecs-tasks"].map((value) => ({ value })),
            },
            "rds-iam:index:DatabaseUserSpec": object(
                { username: str, privileges: list(str) },
                USER_SPEC,
                "A database user that logs in with IAM tokens.",
                ["privileges"],
            ),
            "rds-iam:index:Grant": object(
                {
                    database: { ...resource(DATABASE_TYPE), from: DATABASE_GRANT },
                    // Typed Any, not as a reference to DatabaseProxy: with both that reference and
                    // DatabaseProxy's own `database` reference, Pulumi's Python generator (pkg/v3
                    // codegen/python) writes an import cycle the SDK fails on at import:
                    // database.py imports _inputs.py, which imports database_proxy.py at its end,
                    // which imports `from .database import Database` while database.py is half made
                    // (ImportError "partially initialized module"; test/languages/sdks.test.ts).
                    proxy: {
                        ...ANY,
                        from: PROXY_GRANT,
                        note: "A DatabaseProxy of this program, through which only the user is reached. Typed as any value in this schema so that the generated Python SDK imports (a reference type here would give it an import cycle); anything but a DatabaseProxy of this program is refused.",
                    },
                    resourceId: { ...str, from: RESOURCE_ID_GRANT },
                    username: { ...str, from: DATABASE_GRANT },
                    region: { ...str, from: RESOURCE_ID_GRANT },
                    accountId: { ...str, from: RESOURCE_ID_GRANT },
                },
                DATABASE_GRANT,
                "A database user a workload may log in as: give database (a Database of this program), proxy (a DatabaseProxy of this program: through the proxy only) or resourceId (any database or proxy, e.g. of another stack), and username.",
                ["database", "proxy", "resourceId", "region", "accountId"],
            ),
            "rds-iam:index:MasterCredentials": object(
                {
                    username: str,
                    secretArn: str,
                    password: { ...str, secret: true },
                    iamAuth: bool,
                    masterUsername: str,
                    aws: type("AwsAccess"),
                },
                MASTER,
                "How the provider logs in as the master user. Exactly one of secretArn / password / iamAuth.",
                ["secretArn", "password", "iamAuth", "masterUsername", "aws"],
            ),
            "rds-iam:index:AwsAccess": object(
                {
                    profile: str,
                    sharedConfigFiles: list(str),
                    sharedCredentialsFiles: list(str),
                    assumeRoles: list(type("AssumeRole")),
                },
                AWS_ACCESS,
                "The AWS settings the DatabaseUser provider uses for its Secrets Manager calls.",
                ["profile", "sharedConfigFiles", "sharedCredentialsFiles", "assumeRoles"],
            ),
            "rds-iam:index:AssumeRole": object(
                { roleArn: str, sessionName: str, externalId: str },
                ASSUME_ROLE,
                "A role to assume (STS AssumeRole) before reading the master secret.",
                ["sessionName", "externalId"],
            ),
        },
        resources: {
            [DATABASE_TYPE]: {
                isComponent: true,
                description:
                    "An RDS instance (MySQL, MariaDB, PostgreSQL) or Aurora cluster with IAM database authentication on, TLS forced by a parameter group, storage encrypted, the master password managed by RDS in Secrets Manager, and one DatabaseUser per IAM user.",
                inputProperties: properties(docs, DATABASE_INPUTS, ARGS, PLAIN_INPUTS[DATABASE_TYPE]),
                requiredInputs: ["engine", "subnetIds", "vpcId"],
                properties: properties(docs, DATABASE_OUTPUTS, DATABASE),
                required: Object.keys(DATABASE_OUTPUTS),
            },
            [ACCESS_ROLE_TYPE]: {
                isComponent: true,
                description:
                    "The IAM identity of a workload (an EC2 instance profile, a Lambda function, an ECS task, or an existing role) with one managed policy allowing rds-db:connect as exactly the granted database users.",
                inputProperties: properties(docs, ROLE_INPUTS, ROLE_ARGS, PLAIN_INPUTS[ACCESS_ROLE_TYPE]),
                requiredInputs: ["grants"],
                properties: properties(docs, ROLE_OUTPUTS, ROLE),
                required: required(ROLE_OUTPUTS, ["instanceProfileName"]),
            },
            [PROXY_TYPE]: {
                isComponent: true,
                description:
                    "An RDS Proxy with end-to-end IAM authentication and TLS required in front of a Database: clients sign tokens for the proxy endpoint, and the proxy logs in to the database with IAM through its own role, which may connect as exactly the proxy's users.",
                inputProperties: properties(docs, PROXY_INPUTS, PROXY_ARGS, PLAIN_INPUTS[PROXY_TYPE]),
                requiredInputs: ["database"],
                properties: properties(docs, PROXY_OUTPUTS, PROXY),
                required: Object.keys(PROXY_OUTPUTS),
            },
            [DATABASE_USER_TYPE]: {
                description:
                    "An IAM-authenticated database user, created by connecting to the database as the master user. Privileges change in place; engine, host, port, database or username replace it.",
                inputProperties: properties(docs, USER_INPUTS, USER_ARGS),
                requiredInputs: ["engine", "host", "port", "username", "master"],
                properties: properties(docs, USER_OUTPUTS, USER),
                required: required(USER_OUTPUTS, ["database", "region"]),
            },
        },
    };
}

export function schemaText(): string {
    return `${JSON.stringify(buildSchema(), null, 4)}\n`;
}

if (require.main === module) {
    fs.writeFileSync(SCHEMA_PATH, schemaText());
    console.log(`wrote ${SCHEMA_PATH}`);
}
