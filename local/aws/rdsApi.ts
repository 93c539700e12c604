/**
 * A loopback stand-in for the RDS API calls rds-iam makes through the AWS SDK itself (not through the
 * aws provider): ModifyDBInstance / ModifyDBCluster with MasterUserAuthenticationType, and the
 * DescribeDBInstances / DescribeDBClusters that the SDK's "available" waiters poll. RDS speaks the AWS
 * Query protocol (form-encoded Action=…&Version=2014-10-31, XML answers, ErrorResponse on failure), so
 * the real @aws-sdk/client-rds client talks to it unchanged (AWS_ENDPOINT_URL_RDS).
 *
 * What each call does to a database is the cloud's business (cloud.ts): this file only speaks the
 * protocol and refuses what RDS refuses for a malformed request.
 */
import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What a database looks like in a Describe answer. */
export interface RdsApiDatabase {
    readonly identifier: string;
    readonly engine: string;
    readonly status: string;
    readonly masterUserAuthenticationType: string;
}

export class RdsApiError extends Error {
    constructor(
        readonly code: string,
        message: string,
        readonly status = 400,
    ) {
        super(message);
    }
}

/** The cloud's side: find a database and change how its master logs in. */
export interface RdsApiBackend {
    describe(kind: "instance" | "cluster", identifier: string): RdsApiDatabase;
    setMasterAuthentication(
        kind: "instance" | "cluster",
        identifier: string,
        type: string,
        masterUserPassword: string | undefined,
    ): Promise<RdsApiDatabase>;
}

export interface FakeRdsApi {
    readonly endpoint: string;
    /** Each call as "Action identifier", and who signed it (the SigV4 access key id). */
    readonly requests: { action: string; identifier: string; accessKeyId: string }[];
    close(): Promise<void>;
}

const escapeXml = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function databaseXml(kind: "instance" | "cluster", db: RdsApiDatabase): string {
    const tag = kind === "instance" ? "DBInstance" : "DBCluster";
    const id = kind === "instance" ? "DBInstanceIdentifier" : "DBClusterIdentifier";
    const status = kind === "instance" ? "DBInstanceStatus" : "Status";
    return (
        `<${tag}><${id}>${escapeXml(db.identifier)}</${id}><Engine>${escapeXml(db.engine)}</Engine>` +
        `<${status}>${escapeXml(db.status)}</${status}><IAMDatabaseAuthenticationEnabled>true</IAMDatabaseAuthenticationEnabled></${tag}>`
    );
}

function answer(action: string, result: string): string {
    return (
        `<${action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${action}Result>${result}</${action}Result>` +
        `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
    );
}

export async function startFakeRdsApi(backend: RdsApiBackend): Promise<FakeRdsApi> {
    const requests: FakeRdsApi["requests"] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            const form = new URLSearchParams(body);
            const action = form.get("Action") ?? "";
            const accessKeyId =
                /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
            const reply = (status: number, xml: string) => {
                res.writeHead(status, { "content-type": "text/xml" });
                res.end(xml);
            };
            const fail = (e: unknown) => {
                const error =
                    e instanceof RdsApiError ? e : new RdsApiError("InternalFailure", String(e), 500);
                reply(
                    error.status,
                    `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>` +
                        `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
                        `<RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
                );
            };
            const kind =
                action.endsWith("DBCluster") || action.endsWith("DBClusters") ? "cluster" : "instance";
            const identifier =
                form.get(kind === "instance" ? "DBInstanceIdentifier" : "DBClusterIdentifier") ?? "";
            requests.push({ action, identifier, accessKeyId });
            Promise.resolve()
                .then(async () => {
                    if (form.get("Version") !== "2014-10-31")
                        throw new RdsApiError("InvalidAction", `RDS API version ${form.get("Version")}`);
                    if (identifier === "")
                        throw new RdsApiError(
                            "MissingParameter",
                            `The request must contain the parameter ${kind === "instance" ? "DBInstanceIdentifier" : "DBClusterIdentifier"}`,
                        );
                    switch (action) {
                        case "DescribeDBInstances":
                        case "DescribeDBClusters": {
                            const list = kind === "instance" ? "DBInstances" : "DBClusters";
                            return answer(
                                action,
                                `<${list}>${databaseXml(kind, backend.describe(kind, identifier))}</${list}>`,
                            );
                        }
                        case "ModifyDBInstance":
                        case "ModifyDBCluster": {
                            const type = form.get("MasterUserAuthenticationType");
                            if (type === null)
                                throw new RdsApiError(
                                    "InvalidParameterCombination",
                                    "the local RDS API changes MasterUserAuthenticationType only",
                                );
                            if (type !== "password" && type !== "iam-db-auth")
                                throw new RdsApiError(
                                    "InvalidParameterValue",
                                    `Invalid MasterUserAuthenticationType: ${type}. Valid values: password, iam-db-auth`,
                                );
                            const db = await backend.setMasterAuthentication(
                                kind,
                                identifier,
                                type,
                                form.get("MasterUserPassword") ?? undefined,
                            );
                            return answer(action, databaseXml(kind, db));
                        }
                        default:
                            throw new RdsApiError(
                                "InvalidAction",
                                `the local RDS API does not answer ${action}`,
                            );
                    }
                })
                .then((xml) => reply(200, xml), fail);
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
        close: () => new Promise((r) => server.close(() => r())),
    };
}
