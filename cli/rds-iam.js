#!/usr/bin/env node
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher */
// Launcher for the `rds-iam` bin. In an installed package it runs the compiled CLI (bin/). In a
// source checkout (components/*.ts beside it) it always runs the TypeScript through tsx, never a
// bin/ left by an earlier build, so a checkout cannot run stale code.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const root = path.join(__dirname, "..");
const { version } = require(path.join(root, "package.json"));
const source = path.join(root, "components", "client", "cli.ts");

if (fs.existsSync(source)) {
    try {
        require("tsx/cjs");
    } catch {
        process.stderr.write(
            "rds-iam: this is a source checkout: run `npm ci` first (the CLI runs from source through tsx)\n",
        );
        process.exit(1);
    }
    require(source).main({ version });
} else {
    require(path.join(root, "bin", "components", "client", "cli.js")).main({ version });
}
