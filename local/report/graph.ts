/**
 * The access picture as Graphviz DOT: principal → role (or IAM user / group) → database user →
 * database, edges labelled with what they carry (rds-db:connect, privileges). Logins that went
 * otherwise than expected are drawn red. Rendered to SVG by Graphviz compiled to WebAssembly
 * (@viz-js/viz): no system packages.
 */
import type { AccessReport } from "./model";

function quote(text: string): string {
    return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function accessGraph(report: AccessReport): string {
    const lines = [
        "digraph access {",
        '  rankdir=LR; bgcolor="white"; fontname="Helvetica"; nodesep=0.35; ranksep=0.9;',
        '  node [fontname="Helvetica", fontsize=11, style="rounded,filled", shape=box, color="#4b5563", fillcolor="#f3f4f6"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#4b5563"];',
    ];
    const db = `db:${report.database.resourceId}`;
    lines.push(
        `  ${quote(db)} [shape=cylinder, fillcolor="#dbeafe", label=${quote(`${report.engine} database ${report.database.name}\n${report.database.resourceId}`)}, margin="0.25,0.1"];`,
    );
    for (const user of report.users) {
        lines.push(
            `  ${quote(`user:${user.username}`)} [fillcolor="#fef3c7", label=${quote(`database user\n${user.username}`)}];`,
        );
        lines.push(
            `  ${quote(`user:${user.username}`)} -> ${quote(db)} [label=${quote(user.privileges.length > 0 ? user.privileges.join(", ") : "login only")}];`,
        );
    }
    const proxy = report.proxy && `proxy:${report.proxy.resourceId}`;
    if (report.proxy !== undefined && proxy !== undefined) {
        lines.push(
            `  ${quote(proxy)} [shape=box3d, fillcolor="#ede9fe", label=${quote(`RDS Proxy\n${report.proxy.resourceId}\nrole ${report.proxy.roleArn.split("/").pop()}`)}];`,
        );
        for (const user of report.proxy.users)
            lines.push(`  ${quote(proxy)} -> ${quote(`user:${user}`)} [label="its role: rds-db:connect"];`);
    }
    for (const p of report.principals) {
        const workload = `workload:${p.name}`;
        const role = `role:${p.name}`;
        lines.push(
            `  ${quote(workload)} [shape=component, fillcolor="#ecfdf5", label=${quote(`${p.service} workload\n${p.name}`)}];`,
        );
        lines.push(
            `  ${quote(role)} [fillcolor="#e0e7ff", label=${quote(`IAM role\n${p.roleArn.split("/").pop()}${p.instanceProfile ? `\n(instance profile ${p.instanceProfile})` : ""}`)}];`,
        );
        lines.push(`  ${quote(workload)} -> ${quote(role)} [label="assumes"];`);
        for (const iamUser of p.iamUsers) {
            lines.push(
                `  ${quote(`iam:${iamUser}`)} [shape=ellipse, fillcolor="#fce7f3", label=${quote(`IAM user\n${iamUser}`)}];`,
            );
        }
        for (const group of p.iamGroups) {
            lines.push(
                `  ${quote(`iam:${group}`)} [shape=ellipse, fillcolor="#fce7f3", label=${quote(`IAM group\n${group}`)}];`,
            );
        }
        const viaProxy = p.via === "proxy" && proxy !== undefined;
        const through = viaProxy ? "proxy" : "database";
        for (const user of p.grants) {
            const login = report.logins.find(
                (l) => l.principal === p.name && l.user === user && (l.through ?? "database") === through,
            );
            const ok = login === undefined || login.expected === login.observed;
            const style = ok ? "" : ', color="#dc2626", fontcolor="#dc2626", style=dashed';
            // Through a proxy the grant names the proxy's prx- id: the edge goes to the proxy.
            lines.push(
                viaProxy
                    ? `  ${quote(role)} -> ${quote(proxy)} [label=${quote(`rds-db:connect as ${user}`)}${style}];`
                    : `  ${quote(role)} -> ${quote(`user:${user}`)} [label="rds-db:connect"${style}];`,
            );
            for (const holder of [...p.iamUsers, ...p.iamGroups]) {
                lines.push(
                    viaProxy
                        ? `  ${quote(`iam:${holder}`)} -> ${quote(proxy)} [label=${quote(`rds-db:connect as ${user}`)}];`
                        : `  ${quote(`iam:${holder}`)} -> ${quote(`user:${user}`)} [label="rds-db:connect"];`,
                );
            }
        }
    }
    // A login that worked though no policy grants it: the worst mismatch, drawn on its own.
    for (const login of report.logins.filter((l) => l.observed === "allowed" && l.expected === "denied")) {
        lines.push(
            `  ${quote(`role:${login.principal}`)} -> ${quote(`user:${login.user}`)} [label="UNEXPECTED LOGIN", color="#dc2626", fontcolor="#dc2626", penwidth=2];`,
        );
    }
    lines.push("}");
    return lines.join("\n");
}

/** Renders DOT to SVG with Graphviz (WebAssembly). */
export async function renderSvg(dot: string): Promise<string> {
    const viz = await (require("@viz-js/viz") as typeof import("@viz-js/viz")).instance();
    return viz.renderString(dot, { format: "svg" });
}
