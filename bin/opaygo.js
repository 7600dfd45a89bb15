#!/usr/bin/env node
// From a checkout, run `make build` first; the npm package ships the compiled CLI.
import "../build/js/cli/main.js";
