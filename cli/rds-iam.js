#!/usr/bin/env node
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher */
// Launcher for `npx rds-iam`: runs the compiled CLI (bin/, from `npm run build`, shipped in the
// package); inside a source checkout without a build, runs the TypeScript through tsx.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const compiled = path.join(__dirname, "..", "bin", "components", "client", "cli.js");
if (fs.existsSync(compiled)) {
    require(compiled).main();
} else {
    try {
        require("tsx/cjs");
    } catch {
        process.stderr.write(
            "rds-iam: not built: run `npm run build` (or `npm install` the dev dependencies to run from source)\n",
        );
        process.exit(1);
    }
    require(path.join(__dirname, "..", "components", "client", "cli.ts")).main();
}
