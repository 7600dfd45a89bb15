#!/usr/bin/env node
// Run `make build` (or `npm install`, which runs it) before using the CLI from a checkout.
import "../build/js/bindings/cli.js";
