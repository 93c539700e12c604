/**
 * The VPC's DNS for processes of the local cloud (loaded with `node --require`, through NODE_OPTIONS):
 * the names of the databases the local cloud runs (`<id>.c0ffee0example.<region>.rds.amazonaws.com`)
 * resolve to their endpoints' loopback addresses, as Route 53 resolves an RDS endpoint to the
 * instance's address inside its VPC. Names come from the JSON file RDS_IAM_LOCAL_DNS ({ name: ip }),
 * read at each lookup so endpoints created later resolve too. Every other name resolves as usual, and a
 * name of the file that has been removed fails like an unknown host (ENOTFOUND).
 *
 * Plain JavaScript on purpose: it is loaded before any TypeScript loader.
 */
"use strict";
const dns = require("node:dns");
const fs = require("node:fs");

const file = process.env.RDS_IAM_LOCAL_DNS;
if (file) {
    const original = dns.lookup;
    const table = () => {
        try {
            return JSON.parse(fs.readFileSync(file, "utf8"));
        } catch {
            return {};
        }
    };
    const isLocalCloudName = (host) => /\.rds\.amazonaws\.com\.?$/i.test(host);
    dns.lookup = function lookup(hostname, options, callback) {
        if (typeof options === "function") {
            callback = options;
            options = {};
        }
        if (typeof options === "number") options = { family: options };
        const name = String(hostname).toLowerCase().replace(/\.$/, "");
        const address = table()[name];
        if (address === undefined) {
            if (isLocalCloudName(name)) {
                const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
                error.code = "ENOTFOUND";
                error.hostname = hostname;
                return process.nextTick(() => callback(error));
            }
            return original.call(dns, hostname, options, callback);
        }
        if (options && options.all) return process.nextTick(() => callback(null, [{ address, family: 4 }]));
        return process.nextTick(() => callback(null, address, 4));
    };
    const promises = dns.promises;
    promises.lookup = (hostname, options) =>
        new Promise((resolve, reject) =>
            dns.lookup(hostname, options || {}, (err, address, family) =>
                err ? reject(err) : resolve(Array.isArray(address) ? address : { address, family }),
            ),
        );
}
