import * as assert from "node:assert/strict";
import { connectInstructions } from "../../stack/connectInstructions";
import { runShellLine } from "./shellRun";

const PG_HOST = "orders.c0ffee0example.eu-west-1.rds.amazonaws.com";
const MY_HOST = "orders.cluster-c0ffee0example.cn-north-1.rds.amazonaws.com.cn";

describe("stack output connect.<user> (rendered by the CLI's builders)", () => {
    it("gives PostgreSQL users the CA download, the AWS CLI token, psql with verify-full and the rds-iam line", () => {
        const token = `aws rds generate-db-auth-token --hostname ${PG_HOST} --port 5432 --region eu-west-1 --username app_rw`;
        assert.deepEqual(
            connectInstructions({
                engine: "postgres",
                host: PG_HOST,
                port: 5432,
                region: "eu-west-1",
                username: "app_rw",
                database: "app",
            }),
            {
                caDownload:
                    "curl -fsSL -o rds-ca-eu-west-1.pem https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem",
                caFile: "rds-ca-eu-west-1.pem",
                token,
                command: `PGPASSWORD="$(${token})" psql 'host=${PG_HOST} port=5432 user=app_rw dbname=app sslmode=verify-full sslrootcert=rds-ca-eu-west-1.pem'`,
                cli: `rds-iam connect --engine postgres --host ${PG_HOST} --port 5432 --user app_rw --region eu-west-1 --database app`,
            },
        );
    });

    it("gives MySQL-protocol users a MySQL 8 client line (VERIFY_IDENTITY) and a MariaDB client line, China's bundle URL included", () => {
        const token = `aws rds generate-db-auth-token --hostname ${MY_HOST} --port 3306 --region cn-north-1 --username app_rw`;
        assert.deepEqual(
            connectInstructions({
                engine: "aurora-mysql",
                host: MY_HOST,
                port: 3306,
                region: "cn-north-1",
                username: "app_rw",
            }),
            {
                caDownload:
                    "curl -fsSL -o rds-ca-cn-north-1.pem https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-north-1/cn-north-1-bundle.pem",
                caFile: "rds-ca-cn-north-1.pem",
                token,
                command: `MYSQL_PWD="$(${token})" mysql --host=${MY_HOST} --port=3306 --user=app_rw --enable-cleartext-plugin --ssl-ca=rds-ca-cn-north-1.pem --ssl-mode=VERIFY_IDENTITY`,
                mariadbCommand: `MYSQL_PWD="$(${token})" mariadb --host=${MY_HOST} --port=3306 --user=app_rw --ssl-ca=rds-ca-cn-north-1.pem --ssl-verify-server-cert`,
                cli: `rds-iam connect --engine aurora-mysql --host ${MY_HOST} --port 3306 --user app_rw --region cn-north-1`,
            },
        );
    });

    it("runs in bash as a person would paste it: the download, then the client with the token in its environment only", () => {
        const out = connectInstructions({
            engine: "mariadb",
            host: MY_HOST,
            port: 3306,
            region: "cn-north-1",
            username: "o'neil",
            database: "app db",
        });
        const run = runShellLine(`${out.caDownload} && ${out.mariadbCommand}`, ["curl", "mariadb"], ["aws"]);
        assert.deepEqual(run, {
            status: 0,
            stderr: "",
            calls: [
                [
                    "program:curl",
                    "arg:-fsSL",
                    "arg:-o",
                    "arg:rds-ca-cn-north-1.pem",
                    "arg:https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-north-1/cn-north-1-bundle.pem",
                    "MYSQL_PWD:<unset>",
                    "PGPASSWORD:<unset>",
                ],
                [
                    "program:mariadb",
                    `arg:--host=${MY_HOST}`,
                    "arg:--port=3306",
                    "arg:--user=o'neil",
                    "arg:--ssl-ca=rds-ca-cn-north-1.pem",
                    "arg:--ssl-verify-server-cert",
                    "arg:--database=app db",
                    `MYSQL_PWD:signed(rds generate-db-auth-token --hostname ${MY_HOST} --port 3306 --region cn-north-1 --username o'neil)`,
                    "PGPASSWORD:<unset>",
                ],
            ],
            files: [],
        });
    });
});
